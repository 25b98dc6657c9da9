"""Records review items and answered turns off the reply path.

Actions hand a small job to one background thread and return at once: a slow or
unavailable database never delays or breaks a reply. Failures are logged by type only
(never with the message text, which may contain personal data). If the database is so
slow that jobs pile up, new ones are dropped with a warning rather than using memory
without bound.

Nothing typed while a form is active (the lead form's names, schools, 户籍, phones; the
eligibility forms' answers) is ever queued: editors may not see personal data. The action
endpoint marks each action call that runs inside a form (:func:`form_turn`); the guard is
here, in the one place every review item passes, not in each action.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Optional, Sequence

from bot import runtime
from bot.review.items import Guess, guesses_of
from bot.usage.turns import record_turn

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.usage.feedback import Vote

logger = logging.getLogger(__name__)

MAX_PENDING = 1000
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="enlist-record")
_pending = 0
_pending_lock = threading.Lock()
_in_form: ContextVar[bool] = ContextVar("enlist_in_form", default=False)


@contextlib.contextmanager
def form_turn(tracker_state: Mapping[str, Any]) -> Iterator[None]:
    """Run an action call knowing whether a form was active (no review items then)."""
    state = tracker_state if isinstance(tracker_state, Mapping) else {}
    active_loop, slots = state.get("active_loop"), state.get("slots")
    in_form = bool(isinstance(active_loop, Mapping) and active_loop.get("name"))
    requested = bool(isinstance(slots, Mapping) and slots.get("requested_slot"))
    token = _in_form.set(in_form or requested)
    try:
        yield
    finally:
        _in_form.reset(token)


def submit(what: str, job: Callable[[], object]) -> bool:
    """Run ``job`` in the background; False when it was dropped (queue full)."""
    global _pending
    with _pending_lock:
        if _pending >= MAX_PENDING:
            logger.warning("%s not recorded: %d recordings already waiting for the database", what, _pending)
            return False
        _pending += 1
    _executor.submit(_run, what, job)
    return True


def _run(what: str, job: Callable[[], object]) -> None:
    global _pending
    try:
        job()
    except Exception as exc:  # noqa: BLE001 - recording must never take the service down
        logger.error("%s not recorded (%s)", what, type(exc).__name__)
    finally:
        with _pending_lock:
            _pending -= 1


def review(
    kind: str,
    sender_id: str,
    text: str,
    guesses: Sequence[Guess] = (),
    answered_faq: Optional[str] = None,
    follow_up: Optional[str] = None,
) -> None:
    """Queue ``text`` (and the student's ``follow_up`` that showed the miss) for the
    editors' review (see bot/review/store.py)."""
    if not text or text.startswith("/"):
        return  # a button payload, not something the student typed
    if _in_form.get():
        return  # a form answer: personal data, never for the editors
    follow_up = None if follow_up and follow_up.startswith("/") else follow_up
    submit(
        f"review item ({kind})",
        lambda: runtime.review_store().record(kind, sender_id, text, guesses, answered_faq, follow_up=follow_up),
    )


def turn(sender_id: str, kind: str, faq_id: Optional[str] = None, confidence: Optional[float] = None) -> None:
    """Count one answered (or unanswered) turn for analytics and FAQ hit counts."""
    submit(f"turn ({kind})", lambda: record_turn(runtime.database(), sender_id, kind, faq_id, confidence))


def queue_downvote(settings: "Settings", vote: "Vote") -> None:
    """A 👎: queue the student's question that led to the voted answer (read from the
    tracker store; for an eligibility or benefit result, the message that started the
    check), or the voted FAQ answer's text when the question cannot be read; nothing for
    a message of a form."""

    def job() -> None:
        from bot.conversation.asked import question_of_reply
        from bot.review.voted_message import events_until

        events = None
        try:
            events = events_until(settings.tracker_store, vote.sender_id, vote.message_id)
        except Exception as exc:  # noqa: BLE001 - fall back to the bot text
            logger.warning("question of a vote not found in the tracker store (%s)", type(exc).__name__)
        asked = question_of_reply(events) if events is not None else None
        if events is not None and asked is None:
            return  # a form turn: its question and the bot text hold personal data
        text = asked.text if asked else ""
        if (not text or text.startswith("/")) and vote.faq_id:  # a button: the answer says what was shown
            text = vote.bot_text or ""
        found = guesses_of(asked.parse_data) if asked else []
        if text and not text.startswith("/"):
            runtime.review_store().record("downvote", vote.sender_id, text, found, vote.faq_id)

    submit("review item (downvote)", job)
