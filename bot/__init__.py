"""Enlist Assistant (征兵咨询助手): the service package.

The folders follow the data flow, from the entry points down; a package imports only
packages below it.

- ``cli``, ``runner``, ``server``: the ``enlist`` command, the two supervised processes and
  the bot service app (``create_app(settings)``).
- ``portal/``, ``widget/``, ``channels/``: staff pages, the chat widget, Rasa's input
  channels (REST, socket.io, WeChat, the hand-off routes).
- ``service/``: the bot service's own routes (action webhook, model route, nginx config).
- ``handoff/``, ``review/``, ``eligibility/``, ``leads/``, ``usage/``: what the product does
  with a conversation (live hand-off, the editors' review queue, personal answers, consented
  leads, turn and vote records).
- ``conversation/``: the logic the actions call (misses, replies, buttons, event readers).
- ``models/``: training, evaluation, the model registry and the reload path.
- ``nlu/``, ``rasa_ext/``: custom Rasa components and Rasa extensions (tracker and lock store,
  speed-ups, idempotent turns, the never-silent guard).
- ``faq/``: the FAQ source of truth (entry, loader, validator, compiler, editor, catalog).
- ``staff/``: staff accounts, sessions, login limits, the audit log.
- ``storage/``: the database, its schema and migrations, the conversation reader.
- ``edge/``: what every request must pass (JSON bodies, conversation ids, CORS, the
  internal secret, rate limits).
- ``lang/``: Chinese text, numerals, fact extraction, times and staffed hours.
- ``config``, ``clock``, ``errors``, ``logging_setup``: settings, the day, the exception
  tree, logging.
"""
