"""Dates and times on the pages are the viewer's (the browser's time zone), not the server's."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from tests.helpers import open_page, texts, through


def test_version_labels_and_saved_lines_are_in_the_viewer_s_time_zone(app, pipeline, db):
    sid = through(pipeline, "outputs")
    stamp = datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc)  # Monday 12:30 in Auckland
    with db.admin() as conn:
        conn.execute("update content_drafts set created_at = %s, updated_at = %s where session_id = %s",
                     [stamp, stamp, sid])
    app.context["timezone"] = "Pacific/Auckland"
    open_page(app, "app_pages/draft.py", sid)
    local = stamp.astimezone(ZoneInfo("Pacific/Auckland"))
    assert app.selectbox(key=f"draft-{sid}:history").options[0].endswith(f"{local:%Y-%m-%d %H:%M}")
    assert f"v1 · {local:%H:%M}" in texts(app) and "2026-11-23 12:30" in app.selectbox(key=f"draft-{sid}:history").options[0]
