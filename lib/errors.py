"""One error family. Every message says what happened and how to fix it.

Pages catch `AppError` and show `str(error)`; nothing else should reach a user.
"""


class AppError(Exception):
    """Base of every error a user may see. `message` is safe to show on screen."""

    def __init__(self, message: str, *, fix: str | None = None):
        self.message = message
        self.fix = fix
        super().__init__(message if not fix else f"{message} {fix}")

    @property
    def user_message(self) -> str:
        return str(self)


class ConfigError(AppError):
    """A setting is missing or has a value we cannot use."""


class DatabaseError(AppError):
    """The database cannot be reached, started or migrated."""


class DatabaseRestarted(DatabaseError):
    """The embedded server had stopped and this call started it again: the next try works."""


class NotFoundError(AppError):
    """Something the user asked for does not exist (or is not theirs)."""


class SessionNotFound(NotFoundError):
    """Malformed, unknown and other users' session ids all end here, alike."""

    def __init__(self, session_id: object = None):
        super().__init__(
            "This session was not found.",
            fix="Check the link, open History to pick one of your sessions, or start a new one on Create.",
        )
        self.session_id = session_id


class InputError(AppError):
    """The user's input cannot be used as it is (empty, too large, wrong type)."""


class GeneratorError(AppError):
    """A text or image generator failed."""


class GeneratorAuthError(GeneratorError):
    """The provider refused our credentials."""


class GeneratorRateLimited(GeneratorError):
    """The provider kept answering 'too many requests' after our retries."""


class GeneratorTimeout(GeneratorError):
    """The provider did not answer in time."""


class GeneratorRefused(GeneratorError):
    """The provider refused the prompt (content policy)."""


class GeneratorUnreachable(GeneratorError):
    """The provider's server could not be reached."""


class GeneratorBadOutput(GeneratorError):
    """The provider answered, but not in the shape we asked for."""


class StorageError(AppError):
    """An image could not be stored, read or deleted."""


class AuthError(AppError):
    """Sign-in failed or the session expired."""


class JobCancelled(AppError):
    """The user stopped a running generation; what it made so far is kept."""

    def __init__(self):
        super().__init__("Stopped. What was made so far is kept.", fix="Start it again when you are ready.")
