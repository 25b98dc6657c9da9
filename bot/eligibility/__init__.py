"""Personal answers: eligibility self-check, tuition benefit estimate, where to enlist.

``faq/policy/<year>.yml`` is the rule table (one per conscription year, each rule with its
sources from the fact sheet; read by ``policy_file``, chosen by ``policy``); ``age``, ``physical``, ``benefit`` and ``location`` are pure
calculators over it; ``render`` writes the Chinese answers. The rasa-sdk actions in
``actions/eligibility.py`` only read slots and call these.
"""
