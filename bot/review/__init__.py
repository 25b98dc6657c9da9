"""The review queue: what the bot could not answer, grouped for FAQ editors, and the way
their decisions flow back into ``faq/`` (export a YAML patch, apply it with validation).

Portal pages call :class:`bot.review.store.ReviewStore` (list groups, decide) and
:mod:`bot.review.patch` (export, apply); the actions record through
:mod:`bot.review.recorder` without ever delaying a reply.
"""
