"""The tables of our own database (leads, staff accounts, audit log, feedback, review
queue, answered turns).

Rasa's conversations live in its own tracker store; see bot/storage/conversations.py for reading
them. Changing a table here needs a migration in bot/storage/migrations/versions/.
Timestamps are stored in UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    false,
)

metadata = MetaData()

leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),  # of the first submission
    # Phone, name and conversation are NULL once the lead's personal data is erased
    # (withdrawn consent or retention, bot/leads/erasure.py); the row stays for the counts.
    Column("phone", String(11), unique=True),  # 11 digits, the dedupe key
    Column("name", String(40)),
    Column("school", String(100)),
    Column("student_status", String(10)),
    Column("education_level", String(10)),
    Column("hukou_place", String(100)),
    Column("enlist_place", String(10)),
    Column("main_concern", String(500)),
    Column("consent_version", String(20), nullable=False),
    Column("consent_at", DateTime, nullable=False),
    Column("sender_id", String(128)),  # the first conversation
    Column("source_channel", String(40), nullable=False),
    Column("status", String(20), nullable=False, default="new"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("erased_at", DateTime),  # when the personal fields were erased
    Column("owner", String(40)),  # the staff member working the lead (users.name), or NULL
    Column("follow_up_on", Date),  # the China-time day to call back, or NULL
    Column("merged_into", Integer),  # a duplicate merged into that lead: hidden, its phone leads there
)
Index("ix_leads_created_at", leads.c.created_at)
Index("ix_leads_follow_up_on", leads.c.follow_up_on)
Index("ix_leads_status", leads.c.status)

lead_submissions = Table(
    "lead_submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("reference", String(16), nullable=False, unique=True),  # told to the student
    Column("sender_id", String(128), nullable=False),
    Column("source_channel", String(40), nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("stored_at", DateTime, nullable=False),
    Column("via_outbox", Boolean, nullable=False, default=False),
    # What this submission said (name, school, ...): a repeat sign-up with a known phone never
    # overwrites the lead, so a recruiter reviews these values on the lead page instead.
    Column("submitted", JSON),
)

# "删除我的信息" from a conversation that submitted no lead: the phone the student typed is
# unverified (anyone can type any number) until a recruiter calls it (bot/leads/deletion_requests.py).
deletion_requests = Table(
    "deletion_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("sender_id", String(128), nullable=False),
    Column("phone", String(11)),  # as typed, normalised; NULL once the request is handled
    Column("state", String(20), nullable=False, default="open"),  # open / done / rejected
    Column("handled_by", String(40)),
    Column("handled_at", DateTime),
    Column("lead_id", Integer),  # the lead erased, when one had this phone
)
Index("ix_deletion_requests_state", deletion_requests.c.state, deletion_requests.c.at)

lead_notes = Table(
    "lead_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("author", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# Every status change of a lead (bot/leads/store.py set_status), shown on the lead page.
lead_status_history = Table(
    "lead_status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(40), nullable=False),
    Column("from_status", String(20), nullable=False),
    Column("to_status", String(20), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False, unique=True),
    Column("role", String(20), nullable=False),  # recruiter / editor / admin
    Column("password_hash", String(300), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_login_at", DateTime),
    #: set when an admin set or reset the password: the user chooses a new one at the next login
    Column("must_change_password", Boolean, nullable=False, default=False, server_default=false()),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the cookie value
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("user_name", String(40), nullable=False),
    Column("client", String(64), nullable=False),
    Column("success", Boolean, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("actor", String(40), nullable=False),
    Column("action", String(40), nullable=False),  # login, login_failed, export, status_change, ...
    Column("target", String(100)),
    Column("detail", Text),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("sender_id", String(128), nullable=False),
    Column("message_id", String(64), nullable=False),  # the bot message voted on
    Column("faq_id", String(48)),  # the FAQ entry that message answered, if any
    Column("vote", SmallInteger, nullable=False),  # +1 / -1
    Column("bot_text", Text),
)
Index("ix_feedback_message", feedback.c.sender_id, feedback.c.message_id, unique=True)

# What the bot could not answer, for the FAQ editors (bot/review/). ``text`` is the
# student's message as typed (capped, phone numbers masked); nothing else personal.
review_items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("sender_id", String(128), nullable=False),
    Column("kind", String(20), nullable=False),  # bot.review.items.KINDS
    Column("text", Text, nullable=False),  # the question that was missed
    Column("follow_up", Text),  # what the student said next ("没听懂", the question asked again), if that was the sign
    Column("normalized", String(500), nullable=False),
    Column("guesses", Text, nullable=False),  # JSON [{"id": faq_id, "confidence": c}, ...] best first
    Column("answered_faq", String(48)),  # the entry the bot answered with (downvotes)
    Column("state", String(20), nullable=False, default="open"),  # open / accepted / new_faq_needed / ignored / applied
    Column("faq_id", String(48)),  # accepted as a phrasing of this entry
    Column("decided_by", String(40)),
    Column("decided_at", DateTime),
)
Index("ix_review_items_state", review_items.c.state, review_items.c.at)

# One row per bot turn that answered or failed to answer a question (analytics, FAQ hit
# counts). No text, no personal data: which entry, how sure, which conversation.
turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("sender_id", String(128), nullable=False),
    Column("kind", String(20), nullable=False),  # answer / suggest / out_of_scope / not_understood / sensitive
    Column("faq_id", String(48)),
    Column("confidence", Float),
)
Index("ix_turns_faq", turns.c.faq_id)

# Every change of faq/ made in the portal or by `enlist review apply` (issue 16 §4): who,
# when, and each changed entry before and after (its fields as JSON; NULL = did not exist),
# so any change can be shown as a diff and reverted through the same validated write path.
faq_changes = Table(
    "faq_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("actor", String(40), nullable=False),
    Column("action", String(20), nullable=False),  # save / create / retire / move / revert / apply
    Column("summary", String(300), nullable=False),
    Column("reverts", Integer),  # the change this one reverted
)

faq_change_entries = Table(
    "faq_change_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("change_id", Integer, ForeignKey("faq_changes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("entry_id", String(64), nullable=False, index=True),
    Column("file", String(100), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
)

# Live hand-off (issue 15 §1): a student's request for a person, who took it and when it
# ended. status: waiting → held → ended, waiting → expired (nobody took it in time), or
# offhours (asked outside staffed hours). Taking is one conditional UPDATE (status still
# "waiting"), so two recruiters cannot both hold a conversation.
handoffs = Table(
    "handoffs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(128), nullable=False, index=True),
    Column("channel", String(20), nullable=False),
    Column("status", String(12), nullable=False, index=True),
    Column("question", Text),  # the student's last question before asking for a person
    Column("requested_at", DateTime, nullable=False),
    Column("taken_by", String(40)),
    Column("taken_at", DateTime),
    Column("ended_by", String(40)),
    Column("ended_at", DateTime),
    Column("lead_id", Integer, ForeignKey("leads.id", ondelete="SET NULL")),
)

# What the student's widget is told during a hand-off (recruiter replies, the queue's
# notices); the push stream and its polling fallback read it by conversation id.
handoff_messages = Table(
    "handoff_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("handoff_id", Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("sender_id", String(128), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("kind", String(10), nullable=False),  # staff (a recruiter's reply) or notice
    Column("author", String(40)),
    Column("text", Text, nullable=False),
    Column("state", String(12)),  # the hand-off status this message announces, if any
    Column("buttons", JSON),
)
