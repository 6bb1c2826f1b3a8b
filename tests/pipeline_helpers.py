"""Helpers for AppTest tests of the pipeline pages: a session advanced to a step, clicks that must work."""

BRAIN_DUMP = """Remote work notes
- async writing beats meetings for most decisions
- timezone overlap is the real constraint for distributed teams
- docs-first culture: decisions written down, not said in calls
- standups waste 30 minutes a day, maybe more
- onboarding remote hires needs a buddy and written guides
- burnout creeps in when nobody logs off
"""
PAGES = ["app_pages/create.py", "app_pages/research.py", "app_pages/outline.py", "app_pages/draft.py", "app_pages/outputs.py"]


def click(app, label):
    buttons = [b for b in app.button if b.label == label]
    assert buttons, f"no button {label!r} among {[b.label for b in app.button]}"
    buttons[0].click().run()
    assert not app.exception, app.exception
    return app


def follow(app, page, title):
    """The app switched pages; AppTest reruns its own current page, so follow the switch explicitly."""
    assert app.title[0].value == title, f"expected the {title} page, got {app.title[0].value}"
    app.switch_page(page)
    return app


def through(pipeline, step):
    """A session advanced to `step` with the offline generator, the way the pages do it."""
    sid = pipeline.start(BRAIN_DUMP).id
    if step == "create":
        return sid
    themes = pipeline.extract_themes(sid)
    pipeline.choose_theme(sid, themes.themes[0].id)
    if step == "research":
        return sid
    pipeline.research(sid)
    if step == "outline":
        return sid
    pipeline.outlines(sid)
    pipeline.choose_outline(sid, 0)
    if step == "draft":
        return sid
    pipeline.write_draft(sid)
    return sid


def texts(app):
    return " ".join(str(e.value) for kind in ("markdown", "caption", "info", "warning", "error", "subheader", "title")
                    for e in getattr(app, kind))


