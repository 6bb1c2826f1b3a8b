"""The sign-in gate for Supabase mode.

Without Supabase settings there is nothing to do: `current_user` returns None and
the app uses the local user. With them, users sign in with Supabase Auth (email +
password). The `AuthSession` lives in the browser session's `st.session_state`
(never in `st.cache_resource`, never in the URL, never on the page) and is
refreshed on each run when it nears expiry.

The sign-in lasts across reloads, new tabs and shared links: the refresh token is
kept in an HttpOnly cookie that only the app's own route sets and clears (see
lib/auth_cookie.py). A new browser session reads it server-side
(`st.context.cookies`, sent with the websocket handshake) and renews the session
with it before showing the form. A page script never sees the token: the page only
gets a one-time code, which it POSTs to that route.
"""

from __future__ import annotations

import json
import logging

import streamlit as st

from lib import auth_cookie
from lib.auth import AuthSession, AuthUnavailable, SessionExpired, SupabaseAuth, User
from lib.auth_cookie import COOKIE_NAME, handoffs, rotations
from lib.config import Config
from lib.errors import AuthError

log = logging.getLogger(__name__)

SESSION_KEY = "content_studio.auth_session"
NOTICE_KEY = "content_studio.auth_notice"
EMAIL_KEY = "content_studio.sign_in.email"
PASSWORD_KEY = "content_studio.sign_in.password"
FORM_KEY = "content_studio.sign_in"
LAST_USER_KEY = "content_studio.last_user_id"
COOKIE_TRIED_KEY = "content_studio.auth_cookie_tried"  # the connect-time cookie is read once per browser session
HANDOFF_KEY = "content_studio.auth_cookie_handoff"  # a one-time code the page still has to POST
# Refresh when less than this many seconds are left, so a long step (an image
# generation, an upload) started now still runs with a valid token.
REFRESH_LEEWAY = 300


@st.cache_resource(show_spinner=False)
def supabase_auth(supabase_url: str, anon_key: str) -> SupabaseAuth:
    """One client per project for the whole process: it holds no session (requests share the Supabase pool)."""
    return SupabaseAuth(supabase_url, anon_key)


def _auth(config: Config) -> SupabaseAuth:
    return supabase_auth(config.supabase_url, config.supabase_anon_key)


def signed_in_session() -> AuthSession | None:
    """This browser session's AuthSession, if any (the image store registry needs its access token)."""
    session = st.session_state.get(SESSION_KEY)
    return session if isinstance(session, AuthSession) else None


def current_user(config: Config) -> tuple[User, AuthSession] | None:
    """None when Supabase is not configured (use the local user); else the signed-in user and session.

    When nobody is signed in, and the browser's cookie cannot renew a session, this renders the
    sign-in form and stops the run.
    """
    if not config.supabase_enabled:
        return None
    auth = _auth(config)
    session = signed_in_session()
    if session is not None and rotations.ended(session.refresh_token):
        _forget("You signed out in another tab.", session.refresh_token)
        session = None
    if session is not None:
        try:
            fresh = _renewed(auth, session)
        except AuthUnavailable as exc:  # unreachable and the token already expired: keep it, try on the next run
            st.error(str(exc), icon=":material/error:")
            st.stop()
        except AuthError as exc:  # expired, revoked or refused: sign in again
            if isinstance(exc, SessionExpired):
                rotations.end(session.refresh_token)
            st.session_state.pop(SESSION_KEY, None)
            st.session_state[NOTICE_KEY] = str(exc)
            st.session_state[COOKIE_TRIED_KEY] = True  # the connect-time cookie holds the same dead session
            _clear_cookie(session.refresh_token)
        else:
            if fresh is not session:
                st.session_state[SESSION_KEY] = fresh
                if fresh.refresh_token != session.refresh_token:
                    _hand_off(fresh)
            _cookie_script()
            return fresh.user, fresh
    else:
        restored = _from_cookie(auth)
        if restored is not None:
            _remember(restored)
            _hand_off(restored)
            _cookie_script()
            return restored.user, restored
    _sign_in_form(auth)
    st.stop()


def _renewed(auth: SupabaseAuth, session: AuthSession) -> AuthSession:
    """`session`, or a renewed one when it nears expiry: renewed with the newest token another tab left, if any."""
    if not session.expiring(REFRESH_LEEWAY):
        return session
    with rotations.renewing(session.refresh_token):
        newest = rotations.newest(session.refresh_token)
        base = newest if newest is not None and newest.user.id == session.user.id else session
        fresh = auth.ensure_fresh(base, leeway=REFRESH_LEEWAY)
        if fresh is not base:
            rotations.record(base.refresh_token, fresh, session.refresh_token)
    if rotations.ended(fresh.refresh_token):
        raise SessionExpired("You signed out in another tab.", fix="Sign in again.")
    return fresh


def _cookie_token() -> str | None:
    """The refresh token the browser sent with this session's websocket handshake, if any."""
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser behind this run (e.g. a bare script run)
        return None
    return token if isinstance(token, str) and token else None  # AppTest's stand-in client gives a mock


def _from_cookie(auth: SupabaseAuth) -> AuthSession | None:
    """A session renewed with the cookie's refresh token, once per browser session; None to show the form."""
    if st.session_state.get(COOKIE_TRIED_KEY):
        return None
    token = _cookie_token()
    if token is None:
        st.session_state[COOKIE_TRIED_KEY] = True
        return None
    if rotations.ended(token):  # signed out in this process; the cookie was on its way out
        st.session_state[COOKIE_TRIED_KEY] = True
        _clear_cookie(token)
        return None
    try:
        with st.spinner("Signing you in…"), rotations.renewing(token):
            newest = rotations.newest(token)
            base = newest.refresh_token if newest is not None else token
            fresh = auth.resume(base)
            rotations.record(base, fresh, token)
    except AuthUnavailable as exc:  # the cookie may still be good: try again on the next run
        st.session_state[NOTICE_KEY] = str(exc)
        return None
    except AuthError as exc:
        st.session_state[COOKIE_TRIED_KEY] = True
        if isinstance(exc, SessionExpired):
            rotations.end(token)
            st.session_state[NOTICE_KEY] = "Your sign-in has expired. Sign in again."
        else:
            st.session_state[NOTICE_KEY] = str(exc)
        _clear_cookie(token)
        return None
    except Exception:
        log.exception("unexpected error while renewing the sign-in from the cookie")
        st.session_state[COOKIE_TRIED_KEY] = True
        return None
    st.session_state[COOKIE_TRIED_KEY] = True
    if rotations.ended(fresh.refresh_token):  # signed out in another tab while this one renewed
        _clear_cookie(fresh.refresh_token)
        return None
    return fresh


def _hand_off(session: AuthSession) -> None:
    """Have the page POST a one-time code that sets the cookie to `session`'s refresh token."""
    if auth_cookie.mounted():  # not when streamlit_app.py runs directly, or in AppTest: no route to POST to
        st.session_state[HANDOFF_KEY] = handoffs.issue(session.refresh_token)


def _clear_cookie(token: str | None) -> None:
    """Have the page POST a one-time code that clears the cookie (if it still holds `token`'s session or none)."""
    if auth_cookie.mounted():
        st.session_state[HANDOFF_KEY] = handoffs.issue(token, clear=True)


_SCRIPT = """<span class="cs-auth-cookie" hidden></span>
<style>.stElementContainer:has(.cs-auth-cookie) {{ display: none; }}</style>
<script>
(() => {{
  const code = {code};
  const sent = (window.__contentStudioAuthCookie = window.__contentStudioAuthCookie || new Set());
  if (sent.has(code)) return;
  sent.add(code);
  fetch({path}, {{method: "POST", credentials: "same-origin", cache: "no-store", keepalive: true,
    headers: {{"Content-Type": "application/json"}}, body: JSON.stringify({{code}})}}).catch(() => {{}});
}})();
</script>"""


def _cookie_script() -> None:
    """While a handed-off code is unused, a hidden script that POSTs it (the route sets or clears the cookie)."""
    code = st.session_state.get(HANDOFF_KEY)
    if code is None:
        return
    if not handoffs.pending(code):  # used (the cookie is set) or expired
        st.session_state.pop(HANDOFF_KEY, None)
        return
    st.html(_SCRIPT.format(code=json.dumps(code), path=json.dumps(auth_cookie.SESSION_PATH)),
            unsafe_allow_javascript=True, width="content")


def _forget(notice: str, token: str | None) -> None:
    """Nothing of the signed-in user stays in this browser session; the cookie is cleared; the form follows."""
    st.session_state.clear()
    st.session_state[NOTICE_KEY] = notice
    st.session_state[COOKIE_TRIED_KEY] = True  # the connect-time cookie is stale now
    _clear_cookie(token)


def _remember(session: AuthSession) -> None:
    last_user = st.session_state.get(LAST_USER_KEY)
    if last_user is not None and last_user != str(session.user.id):
        # Someone else signs in after a session expired: nothing of the previous user's state may stay.
        st.session_state.clear()
    st.session_state.pop(PASSWORD_KEY, None)
    st.session_state[LAST_USER_KEY] = str(session.user.id)
    st.session_state[SESSION_KEY] = session
    st.session_state[COOKIE_TRIED_KEY] = True


def _sign_in_form(auth: SupabaseAuth) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Content Studio")
        st.subheader("Sign in")
        notice = st.session_state.pop(NOTICE_KEY, None)
        if notice:
            st.info(notice, icon=":material/info:")
        _cookie_script()
        with st.form(FORM_KEY):
            email = st.text_input("Email", key=EMAIL_KEY, autocomplete="email", placeholder="you@example.com")
            password = st.text_input("Password", key=PASSWORD_KEY, type="password", autocomplete="current-password")
            submitted = st.form_submit_button("Sign in", type="primary")
        if submitted:
            try:
                with st.spinner("Signing in…"):
                    session = auth.sign_in(email, password)
            except AuthError as exc:
                st.error(str(exc), icon=":material/error:")
            except Exception:
                log.exception("unexpected error during sign-in")
                st.error("Sign-in failed on our side. Reload the page and try again.", icon=":material/error:")
            else:
                _remember(session)
                rotations.record(None, session)
                _hand_off(session)
                st.rerun()
        st.caption("Sign in with your team's Supabase account. Accounts are added in the Supabase dashboard "
                   "(Authentication → Users).")


def _sign_out(config: Config) -> None:
    """Revoke the session at Supabase, forget it in every tab of this process, clear the cookie."""
    session = signed_in_session()
    if session is not None:
        auth = _auth(config)
        newest = rotations.newest(session.refresh_token)
        target = newest if newest is not None and newest.user.id == session.user.id else session
        try:
            if target.expiring(60):  # Supabase needs a live access token to revoke the session
                target = _renewed(auth, target)
            auth.sign_out(target)
        except AuthError as exc:  # the token is forgotten here anyway; it expires on its own
            log.warning("sign-out could not reach Supabase: %s", exc.message)
        rotations.end(session.refresh_token, target.refresh_token)
    _forget("You are signed out.", session.refresh_token if session is not None else None)


def sign_out_button(config: Config, *, key: str = "content_studio.sign_out") -> None:
    """A "Sign out" button (put it in the sidebar). Renders nothing in local mode or when nobody is signed in."""
    if not config.supabase_enabled or signed_in_session() is None:
        return
    st.button("Sign out", key=key, icon=":material/logout:", on_click=_sign_out, args=(config,))
