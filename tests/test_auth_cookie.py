"""The sign-in that lasts: the refresh-token cookie route, the token rotations, and the gate given a cookie.

No network: the route runs in Starlette's TestClient; Supabase Auth is recorded answers (respx), shaped
like GoTrue's (see tests/test_auth_supabase.py). The gate runs in AppTest, which cannot send cookies, so
the browser's cookie is given through the client context `st.context.cookies` reads.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import httpx
import pytest
import respx
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from lib import auth_cookie
from lib.auth import AuthSession, User
from lib.auth_cookie import COOKIE_MAX_AGE, COOKIE_NAME, SESSION_PATH, Handoffs, Rotations, handoffs, rotations
from tests.helpers import (ALICE, ANON_KEY, LOGOUT_URL, PASSWORD, TOKEN_URL, URL, auth_error, gate_app, session_for,
                           token_answer)
from tests.helpers import texts as visible_text

TOKEN = "v2rtok-cookie-Ab3"
JSON = {"Content-Type": "application/json"}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def session(n: int, user: uuid.UUID = ALICE) -> AuthSession:
    return AuthSession(User(user, "alice@example.com"), f"access-{n}", f"v2rtok{n}abcdef", 2_000_000_000)


# --- the route -------------------------------------------------------------------------------------------


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(clock):
    return Handoffs(clock=clock)


@pytest.fixture
def ledger(clock):
    return Rotations(clock=clock)


def client(store, ledger, base_url: str = "http://testserver") -> TestClient:
    return TestClient(Starlette(routes=auth_cookie.routes(store, ledger)), base_url=base_url)


def post(c: TestClient, code, headers: dict | None = None, **kwargs):
    return c.post(SESSION_PATH, json={"code": code}, headers={**JSON, **(headers or {})}, **kwargs)


def test_a_code_sets_an_httponly_lax_cookie_for_the_whole_site(store, ledger):
    code = store.issue(TOKEN)
    assert TOKEN not in code

    answer = post(client(store, ledger), code)

    assert answer.status_code == 204 and answer.content == b""
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers.get_list("set-cookie") == [
        f"{COOKIE_NAME}={TOKEN}; HttpOnly; SameSite=Lax; Path=/; Max-Age={COOKIE_MAX_AGE}"]
    assert COOKIE_MAX_AGE == 30 * 24 * 3600
    assert "secure" not in answer.headers["set-cookie"].lower()  # plain http (localhost): a Secure cookie would not stick
    assert [TOKEN in v for k, v in answer.headers.items() if k != "set-cookie"] == [False] * (len(answer.headers) - 1)


@pytest.mark.parametrize("base_url, headers", [("https://testserver", {}),
                                               ("http://testserver", {"X-Forwarded-Proto": "https"})],
                         ids=["https", "behind-a-tls-proxy"])
def test_over_https_the_cookie_is_secure(store, ledger, base_url, headers):
    answer = post(client(store, ledger, base_url), store.issue(TOKEN), headers)
    assert answer.status_code == 204
    attributes = [a.strip() for a in answer.headers["set-cookie"].split(";")]
    assert attributes[0] == f"{COOKIE_NAME}={TOKEN}"
    assert {"HttpOnly", "SameSite=Lax", "Path=/", f"Max-Age={COOKIE_MAX_AGE}", "Secure"} == set(attributes[1:])


def test_a_code_works_once(store, ledger):
    c = client(store, ledger)
    code = store.issue(TOKEN)
    assert post(c, code).status_code == 204
    again = post(c, code)
    assert again.status_code == 400 and "set-cookie" not in again.headers
    assert again.headers["cache-control"] == "no-store"


def test_a_code_expires_after_a_minute(store, ledger, clock):
    c = client(store, ledger)
    late, in_time = store.issue(TOKEN), store.issue(TOKEN)
    clock.now += 59
    assert post(c, in_time).status_code == 204
    clock.now += 2  # 61 s after issue
    answer = post(c, late)
    assert answer.status_code == 400 and "set-cookie" not in answer.headers


@pytest.mark.parametrize("code", ["", "not-a-code", 12345, None, ["x"]])
def test_unknown_codes_set_nothing(store, ledger, code):
    answer = post(client(store, ledger), code)
    assert answer.status_code == 400 and "set-cookie" not in answer.headers


@pytest.mark.parametrize("headers, status", [
    ({"Origin": "https://evil.example"}, 403),
    ({"Origin": "http://testserver.evil.example"}, 403),
    ({"Origin": "null"}, 403),
    ({"Sec-Fetch-Site": "cross-site"}, 403),
    ({"Sec-Fetch-Site": "same-site"}, 403),  # a sibling subdomain is not this app
    ({"Sec-Fetch-Site": "none"}, 403),
    ({"Content-Type": "text/plain"}, 415),  # what a cross-site form or a "simple" fetch could send without a preflight
    ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
], ids=["other-origin", "lookalike-origin", "null-origin", "cross-site", "same-site", "none", "text-plain", "form"])
def test_cross_site_requests_are_refused_and_leave_the_code_unused(store, ledger, headers, status):
    c = client(store, ledger)
    code = store.issue(TOKEN)
    answer = post(c, code, headers)
    assert answer.status_code == status and "set-cookie" not in answer.headers
    assert answer.headers["cache-control"] == "no-store"
    assert store.pending(code)  # a refused request does not use the code up
    assert post(c, code, {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}).status_code == 204


def test_only_post(store, ledger):
    c = client(store, ledger)
    assert c.get(SESSION_PATH).status_code == 405


def test_a_clearing_code_clears_the_cookie(store, ledger):
    ledger.record(None, session(1))
    ledger.end(session(1).refresh_token)
    c = client(store, ledger)
    c.cookies.set(COOKIE_NAME, session(1).refresh_token)
    answer = post(c, store.issue(session(1).refresh_token, clear=True))
    assert answer.status_code == 204
    assert answer.headers["set-cookie"] == f"{COOKIE_NAME}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"
    assert post(client(store, ledger), store.issue(None, clear=True)).headers["set-cookie"].endswith("Max-Age=0")


def test_a_clearing_code_spares_a_sign_in_made_since(store, ledger):
    """Signed out in one tab, signed in again in another: the first tab's late clearing must not sign the user out."""
    ledger.record(None, session(1))
    ledger.end(session(1).refresh_token)
    ledger.record(None, session(2))  # the new sign-in
    c = client(store, ledger)
    c.cookies.set(COOKIE_NAME, session(2).refresh_token)
    answer = post(c, store.issue(session(1).refresh_token, clear=True))
    assert answer.status_code == 204 and "set-cookie" not in answer.headers


def test_a_code_for_a_session_signed_out_since_clears_instead(store, ledger):
    ledger.record(None, session(1))
    code = store.issue(session(1).refresh_token)
    ledger.end(session(1).refresh_token)
    answer = post(client(store, ledger), code)
    assert answer.headers["set-cookie"] == f"{COOKIE_NAME}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"


def test_a_code_for_an_older_token_sets_the_newest_one(store, ledger):
    """Two tabs hand off their tokens in whatever order their requests arrive; the cookie never goes back."""
    ledger.record(None, session(1))
    ledger.record(session(1).refresh_token, session(2))
    ledger.record(session(2).refresh_token, session(3))
    answer = post(client(store, ledger), store.issue(session(1).refresh_token))
    assert answer.headers["set-cookie"].startswith(f"{COOKIE_NAME}={session(3).refresh_token}; ")


# --- the rotations ---------------------------------------------------------------------------------------


def test_rotations_follow_a_session_and_forget_it_at_sign_out(ledger):
    assert ledger.newest("v2rtok-unknown") is None and not ledger.ended("v2rtok-unknown")
    ledger.record(None, session(1))
    ledger.record(session(1).refresh_token, session(2))
    ledger.record(session(2).refresh_token, session(3))
    for n in (1, 2, 3):
        assert ledger.newest(session(n).refresh_token) == session(3)
    other = session(9, uuid.uuid4())
    ledger.record(None, other)

    ledger.end(session(2).refresh_token)

    for n in (1, 2, 3):
        assert ledger.ended(session(n).refresh_token) and ledger.newest(session(n).refresh_token) is None
    assert ledger.newest(other.refresh_token) == other  # someone else's session is untouched
    ledger.record(session(3).refresh_token, session(4))  # a renewal that raced the sign-out stays signed out
    assert ledger.ended(session(4).refresh_token)


def test_rotations_forget_sessions_unused_for_the_cookies_lifetime(ledger, clock):
    ledger.record(None, session(1))
    clock.now += COOKIE_MAX_AGE + 1
    assert ledger.newest(session(1).refresh_token) is None


def test_no_secret_in_a_repr(store, ledger):
    code = store.issue(TOKEN)
    ledger.record(None, session(1))
    text = repr(store) + repr(ledger) + repr(list(store._items.values())) + repr(ledger._family_of) + repr(session(1))
    text += repr(store.take(code))
    assert TOKEN not in text and code not in text and "v2rtok1" not in text and "access-1" not in text


# --- the gate, given the browser's cookie (AppTest) ------------------------------------------------------


@pytest.fixture
def router():
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def browser_cookies(monkeypatch):
    """What the browser sends with the websocket handshake; AppTest has no browser, so st.context reads this."""
    cookies: dict[str, str] = {}
    monkeypatch.setattr("streamlit.runtime.context._get_client_context",
                        lambda: SimpleNamespace(cookies=cookies, headers=[], remote_ip="127.0.0.1"))
    return cookies


@pytest.fixture
def routes_mounted():
    """As under `streamlit run serve.py`: the cookie route is there, so the gate hands tokens off to it."""
    auth_cookie._mounted.set()
    yield
    auth_cookie._mounted.clear()


@pytest.fixture
def new_tab(monkeypatch, browser_cookies, routes_mounted):
    monkeypatch.setenv("SUPABASE_URL", URL)
    monkeypatch.setenv("SUPABASE_ANON_KEY", ANON_KEY)
    return lambda: AppTest.from_function(gate_app, default_timeout=10)


def refresh_route(router, *answers):
    route = router.post(TOKEN_URL, params={"grant_type": "refresh_token"})
    route.mock(side_effect=list(answers))
    return route


def sent_tokens(route) -> list[str]:
    import json

    return [json.loads(call.request.content)["refresh_token"] for call in route.calls]


def handed_off(app: AppTest) -> tuple[str, str | None]:
    """What the page's hidden script would POST: the code in the st.html, exchanged as the route does."""
    from lib.ui.signin import HANDOFF_KEY

    code = app.session_state[HANDOFF_KEY]
    scripts = [h.value for h in app.html]
    assert len(scripts) == 1 and f'"{code}"' in scripts[0] and SESSION_PATH in scripts[0]
    assert "fetch(" in scripts[0] and "credentials: \"same-origin\"" in scripts[0]
    handoff = handoffs.take(code)
    return ("clear" if handoff.clear else "set"), handoff.token


def assert_no_token_shown(app: AppTest, *tokens: str):
    shown = visible_text(app) + "".join(h.value for h in app.html) + str(dict(app.query_params))
    for token in tokens:
        assert token not in shown


def test_a_new_browser_session_with_the_cookie_is_signed_in_without_the_form(router, new_tab, browser_cookies):
    from lib.ui.signin import EMAIL_KEY, SESSION_KEY

    browser_cookies[COOKIE_NAME] = TOKEN
    answer = token_answer(n=1)
    route = refresh_route(router, httpx.Response(200, json=answer))

    tab = new_tab().run()

    assert not tab.exception
    assert sent_tokens(route) == [TOKEN]  # renewed with the cookie's refresh token
    assert route.calls.last.request.headers["apikey"] == ANON_KEY
    assert tab.success[0].value == "Signed in as alice@example.com"
    assert not tab.get("text_input") and EMAIL_KEY not in tab.session_state
    signed_in = tab.session_state[SESSION_KEY]
    assert signed_in.user.id == ALICE and signed_in.refresh_token == answer["refresh_token"]
    # Supabase rotated the token: the page is given a code that sets the cookie to the new one.
    assert handed_off(tab) == ("set", answer["refresh_token"])
    assert_no_token_shown(tab, TOKEN, answer["refresh_token"], answer["access_token"])

    tab.run()  # later runs use the session; the connect-time cookie is not spent again
    assert route.call_count == 1 and tab.success[0].value == "Signed in as alice@example.com"
    assert not tab.html  # the code was used: no script left on the page


def test_a_revoked_or_expired_cookie_is_cleared_and_the_form_says_why(router, new_tab, browser_cookies):
    from lib.ui.signin import EMAIL_KEY, SESSION_KEY

    browser_cookies[COOKIE_NAME] = TOKEN
    route = refresh_route(router, auth_error(400, "refresh_token_not_found",
                                             "Invalid Refresh Token: Refresh Token Not Found"))
    tab = new_tab().run()

    assert not tab.exception
    assert sent_tokens(route) == [TOKEN]
    assert tab.info[0].value == "Your sign-in has expired. Sign in again."
    assert tab.text_input(key=EMAIL_KEY) and not tab.success
    assert SESSION_KEY not in tab.session_state
    assert handed_off(tab) == ("clear", TOKEN)  # a clearing code: the route answers Max-Age=0
    assert rotations.ended(TOKEN)

    tab.run()
    assert route.call_count == 1  # the dead cookie is not tried again


def test_an_unreachable_supabase_keeps_the_cookie_and_tries_again(router, new_tab, browser_cookies):
    from lib.ui.signin import HANDOFF_KEY

    browser_cookies[COOKIE_NAME] = TOKEN
    route = refresh_route(router, httpx.ConnectError("[Errno 111] Connection refused"),
                          httpx.Response(200, json=token_answer(n=1)))
    tab = new_tab().run()
    assert not tab.exception
    assert tab.info[0].value.startswith("Supabase Auth is unreachable.")
    assert HANDOFF_KEY not in tab.session_state  # the cookie stays

    tab.run()
    assert sent_tokens(route) == [TOKEN, TOKEN]
    assert tab.success[0].value == "Signed in as alice@example.com"


def test_signing_in_with_the_form_hands_the_token_to_the_cookie(router, new_tab):
    from lib.ui.signin import EMAIL_KEY, PASSWORD_KEY

    answer = token_answer()
    router.post(TOKEN_URL, params={"grant_type": "password"}).mock(return_value=httpx.Response(200, json=answer))
    tab = new_tab().run()  # no cookie: the form
    assert tab.text_input(key=EMAIL_KEY)
    tab.text_input(key=EMAIL_KEY).input("alice@example.com")
    tab.text_input(key=PASSWORD_KEY).input(PASSWORD)
    tab.button[0].click().run()
    assert not tab.exception
    assert tab.success[0].value == "Signed in as alice@example.com"
    assert handed_off(tab) == ("set", answer["refresh_token"])
    assert_no_token_shown(tab, answer["refresh_token"], answer["access_token"], PASSWORD)


def test_sign_out_revokes_at_supabase_and_clears_the_cookie(router, new_tab, browser_cookies):
    from lib.ui.signin import SESSION_KEY

    browser_cookies[COOKIE_NAME] = TOKEN
    answer = token_answer(n=1)
    refresh = refresh_route(router, httpx.Response(200, json=answer))
    logout = router.post(LOGOUT_URL).mock(return_value=httpx.Response(204))
    tab = new_tab().run()
    assert tab.success[0].value == "Signed in as alice@example.com"

    tab.sidebar.button[0].click().run()

    assert not tab.exception
    assert logout.call_count == 1
    request = logout.calls.last.request
    assert request.headers["authorization"] == f"Bearer {answer['access_token']}"
    assert request.url.params["scope"] == "local"
    assert SESSION_KEY not in tab.session_state
    assert tab.info[0].value == "You are signed out."
    assert handed_off(tab) == ("clear", answer["refresh_token"])
    assert rotations.ended(TOKEN) and rotations.ended(answer["refresh_token"])

    tab.run()  # the cookie this tab connected with is stale now: never used again
    assert refresh.call_count == 1 and not tab.success


def test_a_second_tab_renews_with_the_newest_token_not_the_spent_one(router, new_tab, browser_cookies):
    """Supabase revokes the whole session when a spent refresh token comes back (reuse detection)."""
    browser_cookies[COOKIE_NAME] = TOKEN
    first, second = token_answer(n=1), token_answer(n=2)
    route = refresh_route(router, httpx.Response(200, json=first), httpx.Response(200, json=second))

    new_tab().run()  # tab 1 spends the cookie's token
    tab2 = new_tab().run()  # tab 2 opened before tab 1's cookie update arrived: same cookie

    assert sent_tokens(route) == [TOKEN, first["refresh_token"]]
    assert tab2.success[0].value == "Signed in as alice@example.com"


def test_an_expiring_tab_renews_with_the_token_another_tab_left(router, new_tab):
    from lib.ui.signin import SESSION_KEY

    old = session_for(120)  # inside the gate's five-minute margin
    newer = session_for(3000)
    newer = AuthSession(newer.user, newer.access_token, "v2rtok-newer", newer.expires_at)
    rotations.record(None, old)
    rotations.record(old.refresh_token, newer)  # another tab renewed already
    route = refresh_route(router, httpx.Response(200, json=token_answer(n=5)))

    tab = new_tab()
    tab.session_state[SESSION_KEY] = old
    tab.run()

    assert route.call_count == 0  # the other tab's session is fresh: taken as it is
    assert tab.session_state[SESSION_KEY].refresh_token == "v2rtok-newer"
    assert tab.success[0].value == "Signed in as alice@example.com"


def test_signing_out_in_one_tab_signs_out_the_others(router, new_tab, browser_cookies):
    from lib.ui.signin import SESSION_KEY

    browser_cookies[COOKIE_NAME] = TOKEN
    first, second = token_answer(n=1), token_answer(n=2)
    refresh_route(router, httpx.Response(200, json=first), httpx.Response(200, json=second))
    router.post(LOGOUT_URL).mock(return_value=httpx.Response(204))
    tab1, tab2 = new_tab().run(), new_tab().run()
    assert tab2.success[0].value == "Signed in as alice@example.com"

    tab1.sidebar.button[0].click().run()
    tab2.run()

    assert SESSION_KEY not in tab2.session_state and not tab2.success
    assert tab2.info[0].value == "You signed out in another tab."


def test_without_the_route_the_gate_works_per_tab(router, monkeypatch, browser_cookies):
    """AppTest and `streamlit run streamlit_app.py` serve no cookie route: no script, sign-in as before."""
    from lib.ui.signin import EMAIL_KEY, PASSWORD_KEY

    monkeypatch.setenv("SUPABASE_URL", URL)
    monkeypatch.setenv("SUPABASE_ANON_KEY", ANON_KEY)
    router.post(TOKEN_URL, params={"grant_type": "password"}).mock(
        return_value=httpx.Response(200, json=token_answer()))
    tab = AppTest.from_function(gate_app, default_timeout=10).run()
    tab.text_input(key=EMAIL_KEY).input("alice@example.com")
    tab.text_input(key=PASSWORD_KEY).input(PASSWORD)
    tab.button[0].click().run()
    assert tab.success[0].value == "Signed in as alice@example.com"
    assert not tab.html
