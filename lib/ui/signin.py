"""The sign-in gate for Supabase mode.

Without Supabase settings there is nothing to do: `current_user` returns None and
the app uses the local user. With them, each browser session signs in with
Supabase Auth (email + password). The `AuthSession` lives in that browser
session's `st.session_state` only (never in `st.cache_resource`, never in the
URL, never on the page) and is refreshed on each run when it nears expiry.
"""

from __future__ import annotations

import logging

import streamlit as st

from lib.auth import AuthSession, AuthUnavailable, SupabaseAuth, User
from lib.config import Config
from lib.errors import AuthError

log = logging.getLogger(__name__)

SESSION_KEY = "content_studio.auth_session"
NOTICE_KEY = "content_studio.auth_notice"
EMAIL_KEY = "content_studio.sign_in.email"
PASSWORD_KEY = "content_studio.sign_in.password"
FORM_KEY = "content_studio.sign_in"
LAST_USER_KEY = "content_studio.last_user_id"
# Refresh when less than this many seconds are left, so a long step (an image
# generation, an upload) started now still runs with a valid token.
REFRESH_LEEWAY = 300


@st.cache_resource(show_spinner=False)
def supabase_auth(supabase_url: str, anon_key: str) -> SupabaseAuth:
    """One client per project for the whole process: it holds no session, only a connection pool."""
    return SupabaseAuth(supabase_url, anon_key)


def _auth(config: Config) -> SupabaseAuth:
    return supabase_auth(config.supabase_url, config.supabase_anon_key)


def signed_in_session() -> AuthSession | None:
    """This browser session's AuthSession, if any (the image store registry needs its access token)."""
    session = st.session_state.get(SESSION_KEY)
    return session if isinstance(session, AuthSession) else None


def current_user(config: Config) -> tuple[User, AuthSession] | None:
    """None when Supabase is not configured (use the local user); else the signed-in user and session.

    When nobody is signed in, this renders the sign-in form and stops the run.
    """
    if not config.supabase_enabled:
        return None
    auth = _auth(config)
    session = signed_in_session()
    if session is not None:
        try:
            fresh = auth.ensure_fresh(session, leeway=REFRESH_LEEWAY)
        except AuthUnavailable as exc:  # unreachable and the token already expired: keep it, try on the next run
            st.error(str(exc), icon=":material/error:")
            st.stop()
        except AuthError as exc:  # expired, revoked or refused: sign in again
            st.session_state.pop(SESSION_KEY, None)
            st.session_state[NOTICE_KEY] = str(exc)
        else:
            if fresh is not session:
                st.session_state[SESSION_KEY] = fresh
            return fresh.user, fresh
    _sign_in_form(auth)
    st.stop()


def _remember(session: AuthSession) -> None:
    last_user = st.session_state.get(LAST_USER_KEY)
    if last_user is not None and last_user != str(session.user.id):
        # Someone else signs in after a session expired: nothing of the previous user's state may stay.
        st.session_state.clear()
    st.session_state.pop(PASSWORD_KEY, None)
    st.session_state[LAST_USER_KEY] = str(session.user.id)
    st.session_state[SESSION_KEY] = session


def _sign_in_form(auth: SupabaseAuth) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Content Studio")
        st.subheader("Sign in")
        notice = st.session_state.pop(NOTICE_KEY, None)
        if notice:
            st.info(notice, icon=":material/info:")
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
                st.rerun()
        st.caption("Sign in with your team's Supabase account. Accounts are added in the Supabase dashboard "
                   "(Authentication → Users).")


def _sign_out(config: Config) -> None:
    session = signed_in_session()
    if session is not None:
        try:
            _auth(config).sign_out(session)
        except AuthError as exc:  # the token is forgotten here anyway; it expires on its own
            log.warning("sign-out could not reach Supabase: %s", exc.message)
    st.session_state.clear()  # nothing of this user stays in the browser session
    st.session_state[NOTICE_KEY] = "You are signed out."


def sign_out_button(config: Config, *, key: str = "content_studio.sign_out") -> None:
    """A "Sign out" button (put it in the sidebar). Renders nothing in local mode or when nobody is signed in."""
    if not config.supabase_enabled or signed_in_session() is None:
        return
    st.button("Sign out", key=key, icon=":material/logout:", on_click=_sign_out, args=(config,))
