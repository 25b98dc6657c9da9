"""Personal answers: eligibility self-check, tuition benefit estimate, where to enlist.

``policy_2023`` is the rule table (one per conscription year, each rule with its sources
from the fact sheet); ``age``, ``physical``, ``benefit`` and ``location`` are pure
calculators over it; ``render`` writes the Chinese answers. The rasa-sdk actions in
``actions/eligibility.py`` only read slots and call these.
"""
