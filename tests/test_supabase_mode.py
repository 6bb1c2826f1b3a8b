"""The whole app in Supabase mode: sign in, then every row and upload acts as the signed-in user.

Supabase Auth and Storage are recorded HTTP answers (respx); the database is the
embedded PostgreSQL with the compat schema, so RLS decides as it would on Supabase.
"""

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from lib.session import Sessions
from lib.ui.signin import EMAIL_KEY, PASSWORD_KEY
from tests.helpers import ALICE, ANON_KEY, APP, TOKEN_URL, URL, token_answer

STORAGE = f"{URL}/storage/v1/object"


@pytest.fixture
def app(monkeypatch, db_url, tmp_path):
    for name, value in {"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(tmp_path), "SUPABASE_URL": URL,
                        "SUPABASE_ANON_KEY": ANON_KEY}.items():
        monkeypatch.setenv(name, value)
    return AppTest.from_file(APP, default_timeout=60)


def sign_in(app, router):
    answer = token_answer()
    router.post(TOKEN_URL, params={"grant_type": "password"}).mock(return_value=httpx.Response(200, json=answer))
    app.run()
    assert not app.exception
    assert app.subheader[0].value == "Sign in"  # nothing of the app before signing in
    app.text_input(key=EMAIL_KEY).input("alice@example.com")
    app.text_input(key=PASSWORD_KEY).input("correct horse")
    app.button[0].click().run()
    assert not app.exception
    return answer["access_token"]


def test_signed_in_user_owns_what_they_make_and_uploads_with_their_token(app, router, db):
    token = sign_in(app, router)
    assert app.title[0].value == "Content Studio" and "alice@example.com" in " ".join(c.value for c in app.sidebar.caption)
    assert token not in str(app.query_params) and all(token not in m.value for m in app.markdown)

    upload = router.post(url__regex=rf"{STORAGE}/generated-images/{ALICE}/standalone/.+\.(png|webp)$").mock(
        side_effect=lambda request: httpx.Response(200, json={"Key": "generated-images/" + request.url.path.split(
            "/generated-images/", 1)[1]}))
    app.switch_page("app_pages/outputs.py").run()
    app.text_area(key="standalone-prompt").input("A lighthouse in fog")
    next(b for b in app.button if b.label == "Generate image").click().run()
    assert not app.exception

    assert upload.call_count == 2  # the image and its thumbnail
    kinds = set()
    for call in upload.calls:
        assert call.request.headers["authorization"] == f"Bearer {token}"
        kinds.add(call.request.url.path.rsplit(".", 1)[1])
    assert kinds == {"png", "webp"}
    with db.as_user(ALICE) as conn:
        row = conn.execute("select user_id, storage_path, public_url from generated_images").fetchone()
    assert row["user_id"] == ALICE and row["storage_path"].startswith(f"{ALICE}/standalone/")
    assert row["public_url"] == f"{STORAGE}/public/generated-images/{row['storage_path']}"


def test_signed_in_users_sessions_are_theirs_alone(app, router, db):
    sign_in(app, router)
    app.switch_page("app_pages/create.py").run()
    app.text_area(key="brain_dump").input("Alice's notes about pricing pages\n- anchor prices\n- annual plans")
    next(b for b in app.button if b.label == "Extract themes").click().run()
    assert not app.exception
    sid = app.query_params["session_id"]
    assert Sessions(db, ALICE).get(sid).brain_dump.raw_content.startswith("Alice's notes")
    with db.admin() as conn:
        assert conn.execute("select user_id from content_sessions where id = %s", [sid]).fetchone()["user_id"] == ALICE
