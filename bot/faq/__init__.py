"""FAQ files (``faq/*.yml``) as the source of truth.

``model`` defines an entry, ``loader`` reads files keeping line numbers, ``validator``
checks them and explains problems in Chinese, ``compiler`` writes the Rasa training data,
``catalog`` serves the validated entries to the running actions, ``render`` turns an entry
into a chat answer.
"""
