"""The sign-in that lasts: the Supabase refresh token in an HttpOnly cookie, set and cleared by the app's own routes.

Streamlit talks to the browser over a websocket, which cannot set cookies, and a page script must never see
the refresh token. So the token travels like this (no Streamlit here; the Streamlit side is lib/ui/signin.py):

1. After a sign-in or a refresh that rotated the token, the Streamlit run puts the token in `handoffs` under a
   random one-time code (valid `HANDOFF_TTL` seconds) and renders a tiny script that POSTs the code to
   `/auth/session`. That route takes the code (once) and answers with `Set-Cookie: <COOKIE_NAME>=<token>;
   HttpOnly; SameSite=Lax; Path=/; Max-Age=...` (plus `Secure` over https). The code is not the token.
2. A new browser session (reload, new tab, shared link) sends the cookie with its websocket handshake; the gate
   reads it server-side (`st.context.cookies`) and renews the session with it.
3. Sign-out revokes the session at Supabase and hands off a clearing code: the same route answers with a
   clearing `Set-Cookie` (`Max-Age=0`), unless the cookie meanwhile holds another live sign-in. A failed
   renewal clears the cookie the same way.

Supabase rotates the refresh token on every refresh and treats the reuse of an old one (after a 10 s grace) as
theft: it revokes the whole session, in every tab. Tabs of one browser share that session through the cookie,
so `rotations` keeps, per session, the newest tokens this process has seen: a tab (or a cookie) holding an older
token renews with the newest instead, and a session signed out in one tab is refused in the others.

Both stores are per process, which is how `streamlit run serve.py` runs. They hold tokens only in memory,
key them by hash, and keep them out of every `repr` and log.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

COOKIE_NAME = "content_studio_refresh"
# How long a browser stays signed in without opening the app; every renewal sets the cookie again.
COOKIE_MAX_AGE = 30 * 24 * 3600
HANDOFF_TTL = 60.0
SESSION_PATH = "/auth/session"

# Refresh tokens are short random strings; anything else is refused rather than quoted into a header.
_COOKIE_SAFE = re.compile(r"^[A-Za-z0-9._~+/=-]{1,4096}$")
_MAX_BODY = 4096


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- the one-time codes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Handoff:
    """What a code stands for: set the cookie to `token`, or clear the cookie that holds `token`'s session."""

    clear: bool
    token: str | None = field(repr=False)
    expires: float = field(default=0.0, repr=False)


class Handoffs:
    """One-time codes, each standing for one `Handoff` for `ttl` seconds. Thread-safe."""

    def __init__(self, ttl: float = HANDOFF_TTL, limit: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self._ttl = ttl
        self._limit = limit
        self._clock = clock
        self._items: OrderedDict[str, Handoff] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never a code or a token
        return f"Handoffs({len(self._items)} pending)"

    def issue(self, token: str | None, *, clear: bool = False) -> str:
        """A new code that sets the cookie to `token`; with `clear`, one that clears the cookie of `token`'s session."""
        if not clear and not token:
            raise ValueError("a code that sets the cookie needs a token")
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._prune()
            self._items[code] = Handoff(clear, token, self._clock() + self._ttl)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        return code

    def take(self, code: str) -> Handoff | None:
        """What `code` stands for, once; None when the code is unknown, used or expired."""
        with self._lock:
            item = self._items.pop(code, None) if isinstance(code, str) else None
        if item is None or item.expires < self._clock():
            return None
        return item

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def pending(self, code: str) -> bool:
        with self._lock:
            item = self._items.get(code)
            return item is not None and item.expires >= self._clock()

    def _prune(self) -> None:
        now = self._clock()
        for code in [c for c, item in self._items.items() if item.expires < now]:
            del self._items[code]


# --- the rotations of each Supabase session --------------------------------------------------------------


class _Family:
    """One Supabase session as this process knows it: its newest state and whether it was signed out."""

    __slots__ = ("newest", "ended", "touched", "lock")

    def __init__(self, now: float):
        self.newest: Any = None  # an AuthSession (anything with .refresh_token); None once ended
        self.ended = False
        self.touched = now
        self.lock = threading.RLock()  # re-entrant: a renewal inside a sign-out may take it again

    def __repr__(self) -> str:
        return f"_Family(ended={self.ended})"


class Rotations:
    """Which refresh tokens belong to the same Supabase session, and that session's newest state.

    Keys are SHA-256 digests of the tokens. Thread-safe; bounded in size and age.
    """

    def __init__(self, max_age: float = COOKIE_MAX_AGE, limit: int = 50_000, clock: Callable[[], float] = time.monotonic):
        self._max_age = max_age
        self._limit = limit
        self._clock = clock
        self._family_of: OrderedDict[str, _Family] = OrderedDict()
        self._lock = threading.Lock()
        self._pruned_at = 0.0

    def __repr__(self) -> str:  # never a token
        return f"Rotations({len(self._family_of)} tokens)"

    def _find(self, token: str | None) -> _Family | None:
        if not token:
            return None
        family = self._family_of.get(_digest(token))
        if family is not None and self._clock() - family.touched > self._max_age:
            return None
        return family

    @contextmanager
    def renewing(self, token: str) -> Iterator[None]:
        """Hold while renewing with `token`, so two tabs of one session do not both spend the same token.

        The lock is the session's when the token is known, else the token's own (two new tabs with one cookie).
        """
        with self._lock:
            family = self._find(token)
            if family is None:
                family = _Family(self._clock())
                self._family_of[_digest(token)] = family
        with family.lock:
            yield

    def newest(self, token: str | None) -> Any:
        """The newest session known for the Supabase session `token` belongs to; None if unknown or ended."""
        with self._lock:
            family = self._find(token)
            return None if family is None or family.ended else family.newest

    def same_session(self, a: str | None, b: str | None) -> bool:
        """Whether two refresh tokens are known to belong to the same Supabase session."""
        with self._lock:
            fa, fb = self._find(a), self._find(b)
            return fa is not None and fa is fb

    def ended(self, token: str | None) -> bool:
        """Whether `token`'s session was signed out (in any tab)."""
        with self._lock:
            family = self._find(token)
            return family is not None and family.ended

    def record(self, previous: str | None, fresh: Any, *older: str | None) -> None:
        """`fresh` (an AuthSession) is the newest state of the session `previous` (and `older`) belonged to.

        If that session was signed out meanwhile, `fresh`'s tokens are refused with it (`ended` says so).
        """
        now = self._clock()
        with self._lock:
            family = next((f for f in map(self._find, (previous, *older)) if f is not None), None)
            if family is None:
                family = _Family(now)
            if not family.ended:  # signed out in another tab meanwhile: the new tokens are refused too
                family.newest = fresh
            family.touched = now
            for token in (previous, *older, fresh.refresh_token):
                if token:
                    self._family_of[_digest(token)] = family
                    self._family_of.move_to_end(_digest(token))
            self._prune(now)

    def end(self, *tokens: str | None) -> None:
        """The session these tokens belong to is signed out: refuse all of its tokens from now on."""
        now = self._clock()
        with self._lock:
            families = {id(f): f for f in map(self._find, tokens) if f is not None}
            for family in families.values():
                family.ended, family.newest, family.touched = True, None, now
            for token in tokens:
                if token and self._find(token) is None:
                    ended = _Family(now)
                    ended.ended = True
                    self._family_of[_digest(token)] = ended

    def clear(self) -> None:
        with self._lock:
            self._family_of.clear()

    def _prune(self, now: float) -> None:
        while len(self._family_of) > self._limit:
            self._family_of.popitem(last=False)
        if now - self._pruned_at < 60:
            return
        self._pruned_at = now
        for key in [k for k, f in self._family_of.items() if now - f.touched > self._max_age]:
            del self._family_of[key]


# The process-wide stores: the routes (serve.py) and every browser session's run share them.
handoffs = Handoffs()
rotations = Rotations()
_mounted = threading.Event()


def mounted() -> bool:
    """Whether this process serves the cookie routes (`streamlit run serve.py`); not under AppTest or streamlit_app.py."""
    return _mounted.is_set()


# --- the routes ------------------------------------------------------------------------------------------


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme in ("https", "wss") or forwarded == "https"


def _cookie(request: Request, value: str, max_age: int) -> str:
    parts = [f"{COOKIE_NAME}={value}", "HttpOnly", "SameSite=Lax", "Path=/", f"Max-Age={max_age}"]
    if _is_https(request):
        parts.append("Secure")
    return "; ".join(parts)


def _answer(status: int, set_cookie: str | None = None) -> Response:
    response = Response(status_code=status, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
    if set_cookie:
        response.headers.append("Set-Cookie", set_cookie)
    return response


def _refusal(request: Request) -> Response | None:
    """403 for anything that is not this app's own page calling; 415 unless the body is JSON."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return _answer(403)
    origin = request.headers.get("origin")
    if origin is not None:
        hosts = {request.headers.get("host", "").lower()}
        hosts |= {h.strip().lower() for h in request.headers.get("x-forwarded-host", "").split(",") if h.strip()}
        try:
            parts = urlsplit(origin)
            netloc = parts.netloc.lower()
        except ValueError:
            return _answer(403)
        if parts.scheme not in ("http", "https") or not netloc or netloc not in hosts:
            return _answer(403)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return _answer(415)
    return None


async def _json_body(request: Request) -> dict | None:
    body = await request.body()
    if len(body) > _MAX_BODY:
        return None
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def session_cookie_endpoint(store: Handoffs, ledger: Rotations):
    async def session_cookie(request: Request) -> Response:
        """POST {"code": ...}: set the cookie to the refresh token the code stands for, or clear it (once)."""
        refused = _refusal(request)
        if refused is not None:
            return refused
        data = await _json_body(request)
        code = data.get("code") if data else None
        handoff = store.take(code) if isinstance(code, str) else None
        if handoff is None:
            return _answer(400)
        token = handoff.token
        if handoff.clear or ledger.ended(token):  # signed out, expired, or signed out meanwhile in another tab
            current = request.cookies.get(COOKIE_NAME)
            if current and current != token and ledger.newest(current) is not None \
                    and not ledger.same_session(current, token):
                return _answer(204)  # the cookie holds another, live sign-in (signed in again since): keep it
            return _answer(204, _cookie(request, "", 0))
        newest = ledger.newest(token)
        if newest is not None and newest.refresh_token:
            token = newest.refresh_token  # another tab renewed since: never put an older token back
        if not _COOKIE_SAFE.match(token):
            return _answer(400)
        return _answer(204, _cookie(request, token, COOKIE_MAX_AGE))

    return session_cookie


def routes(store: Handoffs | None = None, ledger: Rotations | None = None) -> list[Route]:
    """The route for `st.App(..., routes=...)`; the process-wide stores unless others are given (tests)."""
    if store is None and ledger is None:
        _mounted.set()
    return [
        Route(SESSION_PATH, session_cookie_endpoint(store or handoffs, ledger or rotations), methods=["POST"]),
    ]
