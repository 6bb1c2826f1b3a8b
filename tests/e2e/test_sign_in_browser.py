"""Sign in once, stay signed in: reloads, new tabs and shared links in Chromium, against a fake Supabase Auth.

The fake (a small Starlette app on loopback) answers like GoTrue: the password grant starts a session, the
refresh_token grant rotates the refresh token (a spent one is refused and revokes the whole session, as
Supabase's reuse detection does, unless it is the parent of the active one), /logout revokes the session.
The app runs for real (`streamlit run serve.py`) in Supabase mode on the embedded PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lib.auth import User, ensure_user_row
from lib.auth_cookie import COOKIE_MAX_AGE, COOKIE_NAME
from lib.session import Sessions
from tests.e2e.helpers import idle, shot
from tests.helpers import ALICE, ANON_KEY, API_VERSION, PASSWORD, b64, token_answer
from tests.server import free_port, running_app

EMAIL = "alice@example.com"


class FakeSupabaseAuth:
    """The GoTrue endpoints the app calls, with GoTrue's rules for refresh tokens. Records what it was sent."""

    def __init__(self, expires_in: int = 3600):
        self.expires_in = expires_in
        self.lock = threading.Lock()
        self.tokens: dict[str, dict] = {}  # refresh token -> {"session", "parent", "revoked"}
        self.active: dict[str, str] = {}  # session id -> its active refresh token
        self.refreshes: list[str] = []  # every refresh token sent to the refresh_token grant
        self.refused: list[str] = []  # what was refused, and why
        self.logouts: list[tuple[str, str]] = []  # (Authorization header, scope)
        self.access_tokens: list[str] = []
        self.url = ""

    def _session_answer(self, session_id: str, refresh_token: str) -> JSONResponse:
        answer = token_answer(ALICE, EMAIL, expires_in=self.expires_in)
        claims = {"iss": f"{self.url}/auth/v1", "sub": str(ALICE), "aud": "authenticated",
                  "exp": answer["expires_at"], "iat": int(time.time()), "email": EMAIL, "role": "authenticated",
                  "aal": "aal1", "session_id": session_id, "is_anonymous": False, "jti": secrets.token_hex(4)}
        answer["access_token"] = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}.{secrets.token_urlsafe(8)}"
        answer["refresh_token"] = refresh_token
        self.access_tokens.append(answer["access_token"])
        return JSONResponse(answer)

    def _new_token(self, session_id: str, parent: str | None) -> str:
        token = secrets.token_urlsafe(12)
        self.tokens[token] = {"session": session_id, "parent": parent, "revoked": False}
        self.active[session_id] = token
        return token

    def _error(self, status: int, code: str, message: str) -> JSONResponse:
        self.refused.append(code)
        return JSONResponse({"code": code, "message": message}, status_code=status, headers=API_VERSION)

    async def token(self, request: Request) -> Response:
        body = await request.json()
        if request.headers.get("apikey") != ANON_KEY:
            return self._error(401, "no_authorization", "Invalid API key")
        grant = request.query_params.get("grant_type")
        with self.lock:
            if grant == "password":
                if (body.get("email"), body.get("password")) != (EMAIL, PASSWORD):
                    return self._error(400, "invalid_credentials", "Invalid login credentials")
                session_id = str(uuid.uuid4())
                return self._session_answer(session_id, self._new_token(session_id, None))
            if grant == "refresh_token":
                sent = body.get("refresh_token", "")
                self.refreshes.append(sent)
                record = self.tokens.get(sent)
                if record is None:
                    return self._error(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
                session_id = record["session"]
                if record["revoked"]:
                    active = self.active.get(session_id)
                    if active is not None and self.tokens[active]["parent"] == sent:
                        return self._session_answer(session_id, active)  # GoTrue: the client lost the answer
                    for token, other in list(self.tokens.items()):  # reuse detected: the whole session goes
                        if other["session"] == session_id:
                            del self.tokens[token]
                    self.active.pop(session_id, None)
                    return self._error(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
                record["revoked"] = True
                return self._session_answer(session_id, self._new_token(session_id, sent))
        return self._error(400, "unsupported_grant_type", "unsupported grant type")

    async def logout(self, request: Request) -> Response:
        authorization = request.headers.get("authorization", "")
        with self.lock:
            self.logouts.append((authorization, request.query_params.get("scope", "")))
            try:
                payload = authorization.removeprefix("Bearer ").split(".")[1]
                claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            except (IndexError, ValueError):
                return self._error(401, "bad_jwt", "invalid JWT")
            session_id = claims["session_id"]
            for token, record in list(self.tokens.items()):
                if record["session"] == session_id:
                    del self.tokens[token]
            self.active.pop(session_id, None)
        return Response(status_code=204)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/auth/v1/token", self.token, methods=["POST"]),
                                 Route("/auth/v1/logout", self.logout, methods=["POST"])])


@contextmanager
def serving(fake: FakeSupabaseAuth) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(fake.app(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the fake Supabase Auth did not start"
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake.url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def supabase_app(db_url: str, data_dir: Path, expires_in: int = 3600) -> Iterator[tuple[str, FakeSupabaseAuth]]:
    fake = FakeSupabaseAuth(expires_in)
    with serving(fake) as fake_url:
        env = {"SUPABASE_URL": fake_url, "SUPABASE_ANON_KEY": ANON_KEY, "DATABASE_URL": db_url,
               "CONTENT_DATA_DIR": str(data_dir), "CONTENT_IMAGE_STORE": "local"}
        with running_app(env) as url:
            yield url, fake


def newest_token(fake: FakeSupabaseAuth) -> str:
    """The active refresh token of the fake's one session."""
    with fake.lock:
        (token,) = fake.active.values()
        return token


# --- what the user does and sees ---------------------------------------------------------------------------


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    idle(page)


def expect_signed_in(page: Page) -> None:
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Signed in as {EMAIL}")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


def expect_sign_in_form(page: Page) -> None:
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Email", exact=True)).to_be_visible()


def sign_in(page: Page) -> None:
    expect_sign_in_form(page)
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    idle(page)
    expect_signed_in(page)


def the_cookie(context: BrowserContext, timeout: float = 15) -> dict:
    """The sign-in cookie as the browser stores it (Playwright sees HttpOnly cookies; page scripts do not)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError("the sign-in cookie was never set")


def cookie_becomes(context: BrowserContext, check, timeout: float = 15) -> dict | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = next((c for c in context.cookies() if c["name"] == COOKIE_NAME), None)
        if check(found):
            return found
        time.sleep(0.1)
    raise AssertionError(f"the sign-in cookie did not change as expected: {found and {**found, 'value': '…'}}")


def page_never_shows(page: Page, *secrets_: str) -> None:
    document_cookie = page.evaluate("document.cookie")
    html = page.content()
    for secret in secrets_:
        assert secret not in document_cookie, "a page script can read the refresh token"
        assert secret not in html, "the refresh token is on the page"
        assert secret not in page.url
    assert COOKIE_NAME not in document_cookie  # HttpOnly: the cookie does not exist for page scripts


# --- the walk ---------------------------------------------------------------------------------------------


def test_sign_in_once_then_reload_new_tab_shared_link_and_sign_out(browser: Browser, db, db_url, tmp_path):
    ensure_user_row(db, User(ALICE, EMAIL))
    shared = Sessions(db, ALICE).create("Notes about onboarding emails\n- welcome series\n- activation nudges",
                                        "Onboarding emails")
    data_dir = tmp_path / "data"
    with supabase_app(db_url, data_dir) as (url, fake):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)

            # Sign in once.
            open_app(page, url)
            assert context.cookies() == [] or all(c["name"] != COOKIE_NAME for c in context.cookies())
            sign_in(page)
            cookie = the_cookie(context)
            assert fake.refreshes == []  # the password grant's token went straight to the cookie
            first_token = newest_token(fake)
            assert cookie["value"] == first_token
            assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
            assert cookie["secure"] is False  # plain http on loopback; over https the route adds Secure
            assert abs(cookie["expires"] - (time.time() + COOKIE_MAX_AGE)) < 120
            page_never_shows(page, first_token)
            shot(page, "sign-in-1-signed-in")

            # Reload: still signed in, renewed with the cookie's token, the cookie follows the rotation.
            page.reload()
            idle(page)
            expect_signed_in(page)
            assert fake.refreshes == [first_token]
            cookie = cookie_becomes(context, lambda c: c is not None and c["value"] != first_token)
            assert cookie["value"] == newest_token(fake) and cookie["httpOnly"]
            page_never_shows(page, first_token, cookie["value"])

            # A new tab in the same browser: signed in.
            tab = context.new_page()
            tab.set_default_timeout(30_000)
            open_app(tab, url)
            expect_signed_in(tab)
            assert fake.refreshes[-1] == cookie["value"]
            cookie = cookie_becomes(context, lambda c: c is not None and c["value"] == newest_token(fake))
            page_never_shows(tab, *fake.refreshes, cookie["value"])

            # A shared link to one of the user's sessions: signed in, on that session.
            link = context.new_page()
            link.set_default_timeout(30_000)
            open_app(link, f"{url}/session?session_id={shared.id}")
            expect_signed_in(link)
            expect(link.get_by_role("heading", name=shared.title)).to_be_visible()
            assert f"session_id={shared.id}" in link.url
            assert fake.refreshes[-1] == cookie["value"]
            page_never_shows(link, *fake.refreshes)
            shot(link, "sign-in-2-shared-link")

            # Every renewal used the newest token: Supabase never saw a spent one (which would end the session).
            assert fake.refused == [] and len(fake.refreshes) == 3 and len(set(fake.refreshes)) == 3

            # The same link in a browser that never signed in: the form, nothing of the session.
            stranger = browser.new_context()
            try:
                other = stranger.new_page()
                open_app(other, f"{url}/session?session_id={shared.id}")
                expect_sign_in_form(other)
                expect(other.get_by_text(shared.title)).to_have_count(0)
            finally:
                stranger.close()

            # Sign out: revoked at Supabase with the user's access token, the cookie cleared, the form after a reload.
            link.get_by_role("button", name="Sign out").click()
            idle(link)
            expect(link.get_by_text("You are signed out.")).to_be_visible()
            cookie_becomes(context, lambda c: c is None)
            assert len(fake.logouts) == 1
            authorization, scope = fake.logouts[0]
            assert authorization.startswith("Bearer ") and authorization.removeprefix("Bearer ") in fake.access_tokens
            assert scope == "local"
            assert fake.active == {}  # the session is gone at Supabase
            refreshes = len(fake.refreshes)
            link.reload()
            idle(link)
            expect_sign_in_form(link)
            page.reload()
            idle(page)
            expect_sign_in_form(page)
            assert len(fake.refreshes) == refreshes  # no cookie, nothing to renew
            shot(page, "sign-in-3-signed-out")

            # The other tabs, still open, learn it on their next run.
            tab.get_by_role("link", name="History").first.click()
            idle(tab)
            expect_sign_in_form(tab)
            expect(tab.get_by_text("You signed out in another tab.")).to_be_visible()
        finally:
            context.close()

    log = "".join(p.read_text(errors="replace") for p in data_dir.glob("app-*.log"))
    for token in [first_token, *fake.refreshes, *fake.access_tokens]:
        assert token not in log, "a token reached the app's log"


def test_tabs_that_renew_on_every_run_never_spend_a_token_twice(browser: Browser, db, db_url, tmp_path):
    """Access tokens that live 2 minutes (under the gate's 5-minute margin): every run of every tab renews.

    Supabase revokes the whole session when a spent refresh token comes back; two tabs sharing the cookie's
    session must each renew with the newest token, and a reload afterwards must still be signed in.
    """
    ensure_user_row(db, User(ALICE, EMAIL))
    with supabase_app(db_url, tmp_path / "data", expires_in=120) as (url, fake):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            first = context.new_page()
            first.set_default_timeout(30_000)
            open_app(first, url)
            sign_in(first)
            the_cookie(context)
            second = context.new_page()
            second.set_default_timeout(30_000)
            open_app(second, url)
            expect_signed_in(second)
            for _ in range(3):
                for page, name in ((first, "History"), (second, "Gallery"), (first, "Home"), (second, "History")):
                    page.get_by_role("link", name=name).first.click()
                    idle(page)
                    expect_signed_in(page)
            assert fake.refused == [], f"Supabase refused a renewal: {fake.refused}"
            assert len(fake.refreshes) >= 10 and len(set(fake.refreshes)) == len(fake.refreshes)
            # The cookie ends on the newest token (a run may still be renewing: compare with the newest each time).
            cookie_becomes(context, lambda c: c is not None and c["value"] == newest_token(fake))

            third = context.new_page()
            third.set_default_timeout(30_000)
            open_app(third, url)
            expect_signed_in(third)
            assert fake.refused == []
            page_never_shows(third, *fake.refreshes)
        finally:
            context.close()
