"""The one exception tree of the project.

Every error we raise on purpose derives from :class:`EnlistError`, so callers (the CLI,
the HTTP layer) can catch one type and print a clear message instead of a traceback.
The general kinds are here; a module's own errors derive from them beside the code that
raises them: ``PolicyFileError`` (eligibility/policy_file), ``UnknownLead``, ``ErasedLead``
(leads/store), ``UnknownRequest`` (leads/deletion_requests), ``HandoffConflict``,
``HandoffUnavailable``, ``UnknownHandoff`` (handoff/store), ``RasaUnavailable`` (handoff/rasa_link),
``AccountError``, ``WrongPassword`` (staff/accounts), ``TranscriptUnavailable``
(storage/conversations). The lookup errors also stay ``LookupError``/``ValueError``.
"""


class EnlistError(Exception):
    """Base class of all deliberate errors in Enlist Assistant."""


class ConfigError(EnlistError):
    """A setting from the environment is missing or malformed."""


class FaqError(EnlistError):
    """The FAQ files cannot be used (validation failed, or they could not be read)."""


class TrainingError(EnlistError):
    """Training a model failed or no model is available."""


class StackError(EnlistError):
    """The Rasa server or the bot service could not be started or died."""


class RequestRejected(EnlistError):
    """A request to one of our HTTP endpoints that cannot be processed.

    Carries the HTTP status, a stable machine-readable ``code`` and a Chinese ``message``
    that the widget shows as it is; endpoints answer ``{"error": code, "message": message}``.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class ReviewError(EnlistError):
    """A review-queue or FAQ-editor request that cannot be carried out (Chinese message)."""


class ModelBusyError(EnlistError):
    """Another process is training, reloading or rolling back the model (Chinese message)."""
