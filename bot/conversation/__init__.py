"""The conversation logic the rasa-sdk actions (actions/) call: pure functions over Rasa's
event dicts and the FAQ catalog, so each decision is testable without Rasa.

- ``events``: reading ``tracker.events`` (the message as meant, form starts, the previous turn).
- ``asked``: which student question a bot reply answered (for the review signals).
- ``metadata``: the metadata a bot message carries (the miss mark).
- ``misses``: what the bot says when it cannot answer, when to escalate, review signals.
- ``replies``: a bot message as built here; the FAQ answer's message.
- ``buttons``: every non-FAQ button and payload, defined once.
- ``contact``: the 区人武部 contact block from settings.
"""
