"""Who the current user is.

With no Supabase settings the app runs for one local user, created on first
start, so the embedded default needs no sign-in. With SUPABASE_URL and
SUPABASE_ANON_KEY set, users sign in with Supabase Auth (email + password):
`SupabaseAuth` below; the Streamlit gate is `lib/ui/signin.py`.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field

import httpx
from supabase_auth import SyncGoTrueClient
from supabase_auth.errors import AuthApiError, AuthRetryableError
from supabase_auth.errors import AuthError as GoTrueError
from supabase_auth.types import Session as GoTrueSession

from lib.db import Database
from lib.errors import AuthError
from lib.storage.supabase import shared_http_client

log = logging.getLogger(__name__)

LOCAL_USER_EMAIL = "local@content-studio.invalid"


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    email: str
    local: bool = False

    @property
    def label(self) -> str:
        return "Local user" if self.local else self.email


def ensure_local_user(db: Database) -> User:
    """The local user's row in `auth.users`, made the first time. Safe when two processes start at once."""
    with db.admin() as conn:
        conn.execute("select pg_advisory_xact_lock(hashtext('content-studio:local-user'))")
        row = conn.execute("select id from auth.users where email = %s order by created_at limit 1", [LOCAL_USER_EMAIL]).fetchone()
        if row is None:
            row = conn.execute(
                "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id", [LOCAL_USER_EMAIL]
            ).fetchone()
    return User(id=row["id"], email=LOCAL_USER_EMAIL, local=True)


# --- Supabase Auth --------------------------------------------------------------------------
#
# Email + password sign-in against the project's Supabase Auth (GoTrue) through supabase-py's
# auth client. `SupabaseAuth` keeps no session of its own: every call builds a throw-away
# GoTrue client on the process's one cookie-less Supabase connection pool (the image store's),
# so one instance may serve every browser session while each keeps its own `AuthSession`.


class SessionExpired(AuthError):
    """The sign-in can no longer be renewed: the user must sign in again."""


class AuthUnavailable(AuthError):
    """Supabase Auth could not be reached or failed on its side; trying again later may work."""


@dataclass(frozen=True)
class AuthSession:
    """One signed-in browser session. Tokens are kept out of `repr` so they never reach a log or the page."""

    user: User
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: int  # unix seconds

    def seconds_left(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)

    def expiring(self, leeway: float = 60, now: float | None = None) -> bool:
        return self.seconds_left(now) <= leeway


def _session_from(session: GoTrueSession | None) -> AuthSession:
    if session is None:  # e.g. sign-in answered with a user but no session: email not confirmed yet
        raise AuthError("Supabase did not start a session for this account.",
                        fix="Confirm your email address (see the confirmation email), then sign in again.")
    expires_at = session.expires_at or int(time.time()) + int(session.expires_in or 0)
    user = session.user
    return AuthSession(
        user=User(id=uuid.UUID(str(user.id)), email=user.email or "", local=False),
        access_token=session.access_token,
        refresh_token=session.refresh_token,
        expires_at=int(expires_at),
    )


_UNREACHABLE_FIX = "Check your connection and SUPABASE_URL, then try again in a moment."


def _translate(exc: Exception, during: str) -> AuthError:
    """supabase_auth's errors as our messages. Never echoes tokens; the server's own text only when unknown."""
    if isinstance(exc, AuthRetryableError) or isinstance(exc, (httpx.TransportError, httpx.TimeoutException)):
        return AuthUnavailable("Supabase Auth is unreachable.", fix=_UNREACHABLE_FIX)
    status = getattr(exc, "status", None)
    code = getattr(exc, "code", None) or ""
    message = str(getattr(exc, "message", "") or "")
    lowered = message.lower()
    if isinstance(status, int) and status >= 500:
        return AuthUnavailable(f"Supabase Auth failed on its side (status {status}).", fix=_UNREACHABLE_FIX)
    if "invalid api key" in lowered or (during == "sign_in" and (status in (401, 403) or code in ("bad_jwt", "no_authorization"))):
        return AuthError("Supabase refused the app's key.",
                         fix="Check SUPABASE_ANON_KEY: copy the anon (publishable) key from the project's API settings.")
    if code == "email_not_confirmed" or "email not confirmed" in lowered:
        return AuthError("Your email address is not confirmed yet.",
                         fix="Open the confirmation email from Supabase and follow its link, or ask an admin to "
                         "confirm you in the Supabase dashboard (Authentication → Users).")
    if code in ("over_request_rate_limit", "over_email_send_rate_limit") or status == 429:
        return AuthError("Too many sign-in attempts.", fix="Wait a minute, then try again.")
    if code == "user_banned":
        return AuthError("This account is blocked.", fix="Ask an admin to unblock it in the Supabase dashboard.")
    if code in ("email_provider_disabled", "provider_disabled"):
        return AuthError("Email sign-in is turned off for this Supabase project.",
                         fix="Enable the Email provider in the Supabase dashboard (Authentication → Sign In / Providers).")
    if code in ("validation_failed", "email_address_invalid") and during == "sign_in":
        return AuthError("That is not a valid email address.", fix="Check the email address and try again.")
    if during == "sign_in":
        if code in ("invalid_credentials", "user_not_found") or "invalid login credentials" in lowered \
                or "invalid_grant" in lowered or status == 400:
            return AuthError("Wrong email or password.",
                             fix="Check both and try again; accounts are created in the Supabase dashboard.")
    if during == "refresh" and (
        status in (400, 401, 403, 404)
        or code in ("refresh_token_not_found", "refresh_token_already_used", "session_not_found", "session_expired")
    ):
        return SessionExpired("Your session has expired.", fix="Sign in again.")
    if isinstance(exc, ValueError):
        return AuthError("Supabase Auth gave an answer we could not read.", fix="Check that SUPABASE_URL is your project's URL.")
    detail = f": {message[:200]}" if message else ""
    return AuthError(f"Supabase Auth refused the request (status {status}){detail}.", fix="Try again, or sign in again.")


class SupabaseAuth:
    """Email + password sign-in with Supabase Auth. Stateless: safe to share across browser sessions."""

    def __init__(self, supabase_url: str, anon_key: str, *, http_client: httpx.Client | None = None):
        if not supabase_url or not anon_key:
            raise AuthError("Supabase Auth needs SUPABASE_URL and SUPABASE_ANON_KEY.",
                            fix="Set both from your Supabase project's API settings, or neither to use the local user.")
        self.supabase_url = supabase_url.rstrip("/")
        self._anon_key = anon_key
        self._http = http_client or shared_http_client()

    def __repr__(self) -> str:  # never the key
        return f"SupabaseAuth({self.supabase_url!r})"

    def _gotrue(self) -> SyncGoTrueClient:
        return SyncGoTrueClient(
            url=f"{self.supabase_url}/auth/v1",
            headers={"apikey": self._anon_key},
            http_client=self._http,
            persist_session=False,
            auto_refresh_token=False,
        )

    def sign_in(self, email: str, password: str) -> AuthSession:
        email = (email or "").strip()
        if not email or not password:
            raise AuthError("Enter your email address and password.")
        try:
            response = self._gotrue().sign_in_with_password({"email": email, "password": password})
        except (GoTrueError, httpx.HTTPError, ValueError) as exc:  # ValueError: an answer that does not parse
            raise _translate(exc, "sign_in") from None  # `from None`: the request (with the password) stays out of tracebacks
        return _session_from(response.session)

    def refresh(self, auth_session: AuthSession) -> AuthSession:
        fresh = self.resume(auth_session.refresh_token)
        if fresh.user.id != auth_session.user.id:  # cannot happen with a sane server; never switch users silently
            raise SessionExpired("Your session could not be renewed.", fix="Sign in again.")
        return fresh

    def resume(self, refresh_token: str) -> AuthSession:
        """A new session from a refresh token alone (the one a browser keeps in its cookie). Rotates the token."""
        if not refresh_token:
            raise SessionExpired("Your session has expired.", fix="Sign in again.")
        try:
            response = self._gotrue().refresh_session(refresh_token)
        except (GoTrueError, httpx.HTTPError, ValueError) as exc:  # ValueError: an answer that does not parse
            raise _translate(exc, "refresh") from None  # `from None`: the token stays out of tracebacks
        return _session_from(response.session)

    def sign_out(self, auth_session: AuthSession) -> None:
        """Revoke this browser session's refresh token (scope `local`: the user's other devices stay signed in).

        An already expired or revoked session counts as signed out. The caller forgets the session either way.
        """
        try:
            self._gotrue().admin.sign_out(auth_session.access_token, "local")
        except AuthApiError as exc:
            if exc.status in (401, 403, 404) or exc.code in ("session_not_found", "bad_jwt"):
                return
            raise _translate(exc, "sign_out") from None
        except (GoTrueError, httpx.HTTPError, ValueError) as exc:  # ValueError: an answer that does not parse
            raise _translate(exc, "sign_out") from None

    def ensure_fresh(self, auth_session: AuthSession, leeway: float = 60) -> AuthSession:
        """The same session while it has more than `leeway` seconds left, else a refreshed one.

        If Supabase cannot be reached but the token has not expired yet, the current session is kept
        (the next run tries again); once it has expired the error is raised.
        """
        if not auth_session.expiring(leeway):
            return auth_session
        try:
            return self.refresh(auth_session)
        except AuthUnavailable:
            if auth_session.seconds_left() > 0:
                log.warning("could not refresh the Supabase session yet; keeping the current token for now")
                return auth_session
            raise


def ensure_user_row(db: Database, user: User) -> None:
    """Mirror a Supabase Auth user into `auth.users` when the database is not the Supabase one.

    On Supabase, Supabase Auth owns `auth.users` and the row is already there: nothing is written.
    On the embedded default (or another PostgreSQL) with Supabase sign-in, the tables' foreign keys
    need the user's row; it is added once and never changed.
    """
    if user.local or db.is_supabase():
        return
    with db.admin() as conn:
        conn.execute("insert into auth.users (id, email) values (%s, %s) on conflict do nothing", [user.id, user.email])

