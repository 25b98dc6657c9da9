"""Enlist Assistant (征兵咨询助手): the service package.

Submodules: ``config`` (settings from the environment), ``faq`` (FAQ source of truth:
schema, loader, validator, compiler, live catalog), ``text`` (Chinese text normalisation),
``nlu`` (custom Rasa components), ``channels`` (Rasa input channels), ``server`` (the bot
service app), ``runner`` (starts and supervises the two processes), ``cli`` (``enlist``).
"""
