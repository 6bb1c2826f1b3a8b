"""Supabase Auth at the HTTP level, and the sign-in gate in a real Streamlit run (AppTest).

Recorded answers (respx), shaped like Supabase Auth's (GoTrue): no network.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from lib.auth import AuthSession, AuthUnavailable, SessionExpired, SupabaseAuth, User
from lib.errors import AuthError
from tests.helpers import (ALICE, ANON_KEY, LOGOUT_URL, PASSWORD, TOKEN_URL, URL, auth_error, gate_app, session_for,
                           token_answer)
from tests.helpers import texts as visible_text


@pytest.fixture
def auth():
    return SupabaseAuth(URL, ANON_KEY)


def sent_json(route) -> dict:
    return json.loads(route.calls.last.request.content)


# --- SupabaseAuth ----------------------------------------------------------------------------


def test_sign_in_posts_the_password_grant_and_returns_the_session(router, auth):
    answer = token_answer()
    route = router.post(TOKEN_URL, params={"grant_type": "password"}).mock(return_value=httpx.Response(200, json=answer))

    session = auth.sign_in(" alice@example.com ", PASSWORD)

    request = route.calls.last.request
    assert request.url.params["grant_type"] == "password"
    assert request.headers["apikey"] == ANON_KEY
    assert "authorization" not in request.headers  # nobody is signed in yet
    body = sent_json(route)
    assert body["email"] == "alice@example.com" and body["password"] == PASSWORD
    assert session.user == User(id=ALICE, email="alice@example.com", local=False)
    assert session.access_token == answer["access_token"]
    assert session.refresh_token == answer["refresh_token"]
    assert session.expires_at == answer["expires_at"]
    assert answer["access_token"] not in repr(session) and answer["refresh_token"] not in repr(session)


@pytest.mark.parametrize("answer", [
    httpx.Response(400, json={"error": "invalid_grant", "error_description": "Invalid login credentials"}),
    auth_error(400, "invalid_credentials", "Invalid login credentials"),
], ids=["legacy-invalid_grant", "invalid_credentials"])
def test_a_wrong_password_says_so(router, auth, answer):
    router.post(TOKEN_URL, params={"grant_type": "password"}).mock(return_value=answer)
    with pytest.raises(AuthError) as caught:
        auth.sign_in("alice@example.com", "wrong password")
    assert str(caught.value) == ("Wrong email or password. "
                                 "Check both and try again; accounts are created in the Supabase dashboard.")
    assert "wrong password" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # the request stays out of tracebacks


def test_an_unconfirmed_email_says_how_to_confirm(router, auth):
    router.post(TOKEN_URL, params={"grant_type": "password"}).mock(
        return_value=auth_error(400, "email_not_confirmed", "Email not confirmed"))
    with pytest.raises(AuthError) as caught:
        auth.sign_in("alice@example.com", PASSWORD)
    assert str(caught.value).startswith("Your email address is not confirmed yet. Open the confirmation email")


@pytest.mark.parametrize("answer", [httpx.ConnectError("[Errno -2] Name or service not known"),
                                    httpx.Response(503, text="Service Unavailable")], ids=["dns", "503"])
def test_an_unreachable_supabase_says_so(router, auth, answer):
    route = router.post(TOKEN_URL, params={"grant_type": "password"})
    route.mock(side_effect=answer) if isinstance(answer, Exception) else route.mock(return_value=answer)
    with pytest.raises(AuthUnavailable) as caught:
        auth.sign_in("alice@example.com", PASSWORD)
    assert str(caught.value) == ("Supabase Auth is unreachable. "
                                 "Check your connection and SUPABASE_URL, then try again in a moment.")


def test_a_wrong_anon_key_points_at_the_setting(router, auth):
    router.post(TOKEN_URL, params={"grant_type": "password"}).mock(return_value=httpx.Response(
        401, json={"message": "Invalid API key", "hint": "Double check your Supabase `anon` or `service_role` API key."}))
    with pytest.raises(AuthError) as caught:
        auth.sign_in("alice@example.com", PASSWORD)
    assert str(caught.value).startswith("Supabase refused the app's key. Check SUPABASE_ANON_KEY")
    assert ANON_KEY not in str(caught.value)


def test_refresh_posts_the_refresh_token_grant(router, auth):
    answer = token_answer(n=1)
    route = router.post(TOKEN_URL, params={"grant_type": "refresh_token"}).mock(return_value=httpx.Response(200, json=answer))
    old = session_for(30)

    fresh = auth.refresh(old)

    request = route.calls.last.request
    assert request.headers["apikey"] == ANON_KEY
    assert sent_json(route) == {"refresh_token": "v2rtok-old"}
    assert fresh.user == old.user
    assert (fresh.access_token, fresh.refresh_token) == (answer["access_token"], answer["refresh_token"])


def test_a_revoked_refresh_token_means_sign_in_again(router, auth):
    router.post(TOKEN_URL, params={"grant_type": "refresh_token"}).mock(
        return_value=auth_error(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"))
    with pytest.raises(SessionExpired) as caught:
        auth.refresh(session_for(-10))
    assert str(caught.value) == "Your session has expired. Sign in again."


def test_sign_out_posts_logout_with_the_users_token(router, auth):
    route = router.post(LOGOUT_URL).mock(return_value=httpx.Response(204))
    session = session_for(3000)
    auth.sign_out(session)
    request = route.calls.last.request
    assert request.headers["authorization"] == f"Bearer {session.access_token}"
    assert request.headers["apikey"] == ANON_KEY
    assert request.url.params["scope"] == "local"  # this browser only; the user's other devices stay signed in


def test_signing_out_an_already_dead_session_is_fine(router, auth):
    router.post(LOGOUT_URL).mock(return_value=auth_error(403, "session_not_found", "Session from session_id claim in JWT does not exist"))
    auth.sign_out(session_for(-100))


def test_ensure_fresh_refreshes_an_expiring_session_and_leaves_a_fresh_one_alone(router, auth):
    route = router.post(TOKEN_URL, params={"grant_type": "refresh_token"}).mock(
        return_value=httpx.Response(200, json=token_answer(n=2)))
    fresh = session_for(3000)
    assert auth.ensure_fresh(fresh) is fresh
    assert route.call_count == 0

    expiring = session_for(30)
    renewed = auth.ensure_fresh(expiring, leeway=60)
    assert route.call_count == 1
    assert renewed.access_token != expiring.access_token and renewed.seconds_left() > 3000


def test_ensure_fresh_keeps_a_still_valid_token_while_supabase_is_down(router, auth):
    router.post(TOKEN_URL, params={"grant_type": "refresh_token"}).mock(side_effect=httpx.ConnectTimeout("timed out"))
    expiring = session_for(30)
    assert auth.ensure_fresh(expiring) is expiring
    with pytest.raises(AuthUnavailable):
        auth.ensure_fresh(session_for(-5))


def test_a_supabase_user_gets_a_row_on_a_database_that_is_not_supabase(db):
    from lib.auth import ensure_user_row
    from lib.session import Sessions

    user = User(uuid.uuid4(), "bob@example.com")
    ensure_user_row(db, user)
    ensure_user_row(db, user)  # once is enough; twice is harmless
    with db.admin() as conn:
        rows = conn.execute("select email from auth.users where id = %s", [user.id]).fetchall()
    assert [r["email"] for r in rows] == ["bob@example.com"]
    assert Sessions(db, user.id).create("Notes about pricing pages").id  # the foreign keys are satisfied


# --- the sign-in gate (AppTest) -----------------------------------------------------------------


@pytest.fixture
def gate(monkeypatch):
    monkeypatch.setenv("SUPABASE_URL", URL)
    monkeypatch.setenv("SUPABASE_ANON_KEY", ANON_KEY)
    return AppTest.from_function(gate_app, default_timeout=10)


def test_without_supabase_the_gate_lets_the_local_user_through():
    app = AppTest.from_function(gate_app, default_timeout=10).run()
    assert not app.exception
    assert app.markdown[0].value == "local user"
    assert len(app.text_input) == 0


def test_sign_in_form_wrong_password_then_right_one(router, gate):
    from lib.ui.signin import EMAIL_KEY, PASSWORD_KEY, SESSION_KEY

    route = router.post(TOKEN_URL, params={"grant_type": "password"})
    route.mock(return_value=httpx.Response(400, json={"error": "invalid_grant", "error_description": "Invalid login credentials"}))

    gate.run()
    assert not gate.exception
    assert gate.text_input(key=EMAIL_KEY).label == "Email"
    assert gate.text_input(key=PASSWORD_KEY).label == "Password"
    assert not gate.success  # stopped at the gate

    gate.text_input(key=EMAIL_KEY).input("alice@example.com")
    gate.text_input(key=PASSWORD_KEY).input("wrong password")
    gate.button[0].click().run()
    assert not gate.exception
    assert gate.error[0].value.startswith("Wrong email or password.")
    assert gate.text_input(key=EMAIL_KEY).value == "alice@example.com"  # what was typed stays
    assert SESSION_KEY not in gate.session_state
    assert sent_json(route)["password"] == "wrong password"

    answer = token_answer()
    route.mock(return_value=httpx.Response(200, json=answer))
    gate.text_input(key=PASSWORD_KEY).input(PASSWORD)
    gate.button[0].click().run()
    assert not gate.exception
    session = gate.session_state[SESSION_KEY]
    assert isinstance(session, AuthSession) and session.user.id == ALICE
    assert gate.success[0].value == "Signed in as alice@example.com"  # the gate passed
    assert len(gate.text_input) == 0 and PASSWORD_KEY not in gate.session_state
    shown = visible_text(gate)
    assert answer["access_token"] not in shown and answer["refresh_token"] not in shown and PASSWORD not in shown
    assert dict(gate.query_params) == {}  # nothing in the URL


def test_the_gate_refreshes_a_session_near_expiry(router, gate):
    from lib.ui.signin import SESSION_KEY

    answer = token_answer(n=3)
    route = router.post(TOKEN_URL, params={"grant_type": "refresh_token"}).mock(return_value=httpx.Response(200, json=answer))
    gate.session_state[SESSION_KEY] = session_for(120)  # inside the gate's five-minute margin
    gate.run()
    assert not gate.exception
    assert route.call_count == 1
    assert gate.session_state[SESSION_KEY].access_token == answer["access_token"]
    assert gate.success[0].value == "Signed in as alice@example.com"


def test_an_expired_session_asks_to_sign_in_again(router, gate):
    from lib.ui.signin import EMAIL_KEY, SESSION_KEY

    router.post(TOKEN_URL, params={"grant_type": "refresh_token"}).mock(
        return_value=auth_error(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used"))
    gate.session_state[SESSION_KEY] = session_for(-600)
    gate.run()
    assert not gate.exception
    assert gate.info[0].value == "Your session has expired. Sign in again."
    assert gate.text_input(key=EMAIL_KEY)
    assert SESSION_KEY not in gate.session_state


def test_sign_out_revokes_the_session_and_shows_the_form(router, gate):
    from lib.ui.signin import SESSION_KEY

    logout = router.post(LOGOUT_URL).mock(return_value=httpx.Response(204))
    session = session_for(3000)
    gate.session_state[SESSION_KEY] = session
    gate.run()
    assert gate.success[0].value == "Signed in as alice@example.com"

    gate.sidebar.button[0].click().run()
    assert not gate.exception
    assert logout.calls.last.request.headers["authorization"] == f"Bearer {session.access_token}"
    assert SESSION_KEY not in gate.session_state
    assert gate.info[0].value == "You are signed out."
    assert not gate.success


def test_someone_else_signing_in_after_expiry_does_not_inherit_the_previous_state(router, gate):
    from lib.ui.signin import EMAIL_KEY, PASSWORD_KEY, SESSION_KEY

    bob = uuid.UUID("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d")
    router.post(TOKEN_URL, params={"grant_type": "refresh_token"}).mock(
        return_value=auth_error(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"))
    router.post(TOKEN_URL, params={"grant_type": "password"}).mock(
        return_value=httpx.Response(200, json=token_answer(bob, "bob@example.com")))
    gate.session_state[SESSION_KEY] = session_for(-600)
    gate.session_state["content_studio.last_user_id"] = str(ALICE)
    gate.session_state["draft_text"] = "Alice's unsaved notes"
    gate.run()
    gate.text_input(key=EMAIL_KEY).input("bob@example.com")
    gate.text_input(key=PASSWORD_KEY).input(PASSWORD)
    gate.button[0].click().run()
    assert not gate.exception
    assert gate.session_state[SESSION_KEY].user.email == "bob@example.com"
    assert "draft_text" not in gate.session_state
    assert gate.success[0].value == "Signed in as bob@example.com"
