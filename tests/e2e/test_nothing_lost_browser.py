"""Nothing the user types is lost: every edit, in a real browser, is in Postgres and on screen after a reload.

Each test does what a user does (types, clicks, tabs away, reloads, opens a second tab) and then checks two
things: a fresh page load shows the text, and the database holds it as a version of its step. Sessions that a
test only needs as a starting point are made through the pipeline directly (the offline generator, the app's
local user), which is what the app itself would have saved; everything the test is about happens in the browser.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Callable

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from lib.auth import ensure_local_user
from lib.generate import GenerationOptions, OUTPUT_FORMATS
from lib.generate.offline import OfflineGenerator
from lib.pipeline import Pipeline
from lib.session import Session, Sessions
from tests.e2e.helpers import click, idle, session_id_of, shot, start_session

NOTES = """Remote teams: what actually works
- Async writing beats meetings for most decisions on remote teams.
- Timezone overlap is the real constraint for distributed remote teams.
- Our Lisbon pilot replaced the daily standup with a written check-in and nobody missed the call.
- Remote teams need written onboarding guides and a buddy for every new hire.
- Burnout creeps into remote teams when nobody logs off at a fixed hour.
- Decisions written down in docs survive longer than decisions said in calls.
- Remote teams that share a weekly demo video keep everyone aware of progress.
"""
# A research item the offline generator draws from NOTES for the first theme; it reaches the outline, the
# draft and the outputs unless the user unticks it.
DISTINCT = "Burnout creeps into remote teams when nobody logs off at a fixed hour"
DISTINCT_FRAGMENT = "logs off at a fixed hour"

CHANGED_ELSEWHERE = "was changed elsewhere (another tab or window)"


# --- helpers ---------------------------------------------------------------------------------------------


def marker(label: str) -> str:
    """A word that appears nowhere else: what the user typed, to find in the page and the database."""
    return f"{label}-{uuid.uuid4().hex[:8]}"


def sessions_of(db) -> Sessions:
    return Sessions(db, ensure_local_user(db).id)


def load(db, sid) -> Session:
    return sessions_of(db).get(sid)


def made_session(db, upto: str) -> str:
    """A session through `upto` (research, outline, draft, outputs) as the app saves it; returns its id."""
    sessions = sessions_of(db)
    pipeline = Pipeline(sessions, OfflineGenerator(), GenerationOptions())
    session = pipeline.start(NOTES)
    sid = session.id
    pipeline.extract_themes(sid)
    pipeline.choose_theme(sid, sessions.get(sid).brain_dump.themes[0].id)
    pipeline.research(sid)
    if upto == "research":
        return str(sid)
    pipeline.outlines(sid)
    if upto == "outline":
        return str(sid)
    pipeline.choose_outline(sid, 0)
    sessions.advance(sid, "draft")
    pipeline.write_draft(sid)
    if upto == "outputs":
        pipeline.outputs(sid, OUTPUT_FORMATS)
    return str(sid)


def eventually(check: Callable[[], object], what: str, timeout: float = 15,
               details: Callable[[], object] | None = None) -> object:
    """Poll the database until `check()` is truthy (a save lands a moment after the browser sent it)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"not in the database after {timeout:.0f} s: {what}"
                         + (f"; there: {details()}" if details else ""))


def settle(page: Page) -> None:
    """`idle`, after giving the click's run a moment to start (idle alone can return before it shows)."""
    page.wait_for_timeout(400)
    idle(page)


def open_step(page: Page, app_url: str, step: str, sid: str) -> None:
    page.goto(f"{app_url}/{step}?session_id={sid}")
    idle(page)


def fresh_load(page: Page) -> None:
    url = page.url
    page.reload()
    idle(page)
    assert page.url == url


def draft_typed(page: Page, app_url: str, db, words: str, label: str) -> tuple[str, str]:
    """A session's Draft page with a paragraph typed at the end of the box (still focused): (its id, the text)."""
    sid = made_session(db, "draft")
    open_step(page, app_url, "draft", sid)
    typed = f"\n\n{words} {marker(label)}."
    type_at_end(draft_box(page), typed)
    return sid, typed


def two_tabs(page: Page, second_page: Page, app_url: str, db, step: str, box, shown) -> tuple[str, Page, Page]:
    """One session open in two tabs on `step`; both screens show the same version before anyone saves."""
    sid = made_session(db, step)
    for tab in (page, second_page):
        open_step(tab, app_url, step, sid)
    for tab in (page, second_page):
        expect(box(tab)).to_have_value(shown(load(db, sid)))
    return sid, page, second_page


def kept_after_reload(tab: Page, box, text: str) -> None:
    """No error on the tab, and after a fresh load its box shows `text` (the newest version)."""
    no_error_on(tab)
    fresh_load(tab)
    expect(box(tab)).to_have_value(text)


def type_at_end(box: Locator, text: str) -> None:
    """Click into a text box, go to its end and type, key by key, as a user does (the box keeps focus)."""
    box.click()
    box.press("Control+End")
    box.page.keyboard.type(text)


def no_error_on(page: Page) -> None:
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    expect(page.locator("[data-testid=stAlertContentError]")).to_have_count(0)
    expect(page.get_by_text("could not be saved")).to_have_count(0)
    assert "Traceback" not in page.content()


def draft_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Draft (Markdown)", exact=True)


def main(page: Page) -> Locator:
    return page.locator("[data-testid=stMain]")


def visible_panel(page: Page) -> Locator:
    return page.locator("[role=tabpanel]:visible")


def output_box(page: Page) -> Locator:
    """The visible output's editor, opened with its Edit switch when the preview is showing."""
    panel = visible_panel(page)
    box = panel.get_by_role("textbox", name=re.compile(r" text$"))
    if not box.count():
        panel.get_by_text("Edit", exact=True).click()
        idle(page)
    return box


def checkbox(page: Page, text: str) -> Locator:
    return page.locator("[data-testid=stCheckbox]").filter(has_text=text)


def pick_version(scope: Locator, page: Page, number: int) -> None:
    """Open a Versions list's selectbox and pick vN."""
    select = scope.locator("[data-testid=stSelectbox]").last
    expect(select).to_be_visible()
    page.wait_for_timeout(500)  # the expander has finished opening
    if select.get_by_text(re.compile(rf"^v{number} ")).count():  # the picker kept this version from before
        return
    option = page.get_by_role("option").filter(has_text=re.compile(rf"^v{number} "))
    for _ in range(3):  # a rerun that lands as the list opens closes it again: open it once more
        select.click()
        try:
            expect(option).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            idle(page)
    option.click()
    settle(page)


@pytest.fixture
def second_page(browser: Browser):
    """Another browser window (its own context: another Streamlit session, another editor)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


# --- 1. Draft: one click after typing ---------------------------------------------------------------------


def test_draft_typed_then_one_click_on_preview_is_saved(page: Page, app_url, db):
    sid, typed = draft_typed(page, app_url, db, "A paragraph the user typed", "one-click")
    page.get_by_role("tab", name="Preview").click()  # the only click: no click elsewhere first
    idle(page)
    expect(main(page).locator("[data-testid=stMarkdownContainer] p", has_text=typed.strip())).to_be_visible()
    shot(page, "lost-1-draft-one-click")

    draft = eventually(lambda: (d := load(db, sid).current_draft).markdown.endswith(typed) and d, "the typed paragraph")
    assert draft.source == "edited" and draft.version == 2
    fresh_load(page)
    expect(draft_box(page)).to_have_value(draft.markdown)


# --- 2. Draft: leaving the page right after typing (the Continue test is case 1's other one-click button) ---


def test_draft_typed_then_continue_navigates_in_one_click(page: Page, app_url, db):
    sid, typed = draft_typed(page, app_url, db, "Leaving by Continue", "leave-continue")
    page.get_by_role("button", name="Continue → Outputs").click()
    page.wait_for_url(re.compile(r"/outputs\?session_id="), timeout=15_000)
    idle(page)
    expect(main(page).get_by_role("heading", name="Outputs", exact=True)).to_be_visible()
    shot(page, "lost-2-draft-continue")
    draft = eventually(lambda: (d := load(db, sid).current_draft).markdown.endswith(typed) and d,
                       "the text typed before Continue")
    open_step(page, app_url, "draft", sid)
    expect(draft_box(page)).to_have_value(draft.markdown)


def test_draft_typed_then_a_sidebar_link_navigates_and_keeps_the_text(page: Page, app_url, db):
    sid, typed = draft_typed(page, app_url, db, "Leaving by the sidebar", "leave-sidebar")
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="Home").click()  # one click
    settle(page)
    shot(page, "lost-2-draft-sidebar-home")
    draft = eventually(lambda: (d := load(db, sid).current_draft).markdown.endswith(typed) and d,
                       "the text typed before Home")
    expect(main(page).get_by_text("Recent sessions")).to_be_visible()  # Home opened
    main(page).get_by_role("link", name="Open").first.click()  # back through the session, as a user would
    page.wait_for_url(re.compile(rf"/session\?session_id={sid}"))
    open_step(page, app_url, "draft", sid)
    expect(draft_box(page)).to_have_value(draft.markdown)


def test_draft_typed_then_tab_and_reload_at_once_keeps_the_text(page: Page, app_url, db):
    sid, typed = draft_typed(page, app_url, db, "Leaving by reload", "leave-reload")
    page.keyboard.press("Tab")  # the box loses focus ...
    page.reload()  # ... and the page is reloaded at once
    idle(page)
    shot(page, "lost-2-draft-reload")
    draft = eventually(lambda: (d := load(db, sid).current_draft).markdown.endswith(typed) and d,
                       "the text typed before the reload")
    expect(draft_box(page)).to_have_value(draft.markdown)


# --- 3. Outline -------------------------------------------------------------------------------------------


OUTLINE_SECTIONS = "## My first section\n- a point I wrote myself\n\n## My second section\n- another point of mine"


def outline_field(page: Page, label: str) -> Locator:
    return main(page).get_by_role("textbox", name=label, exact=True)


def outline_radio(page: Page, index: int) -> Locator:
    return radio_options(page).nth(index)


def radio_options(page: Page) -> Locator:
    return main(page).locator("[data-testid=stRadio] [role=radiogroup] label")


def test_outline_edits_survive_reload_and_switching_options(page: Page, app_url, db):
    sid = made_session(db, "outline")
    open_step(page, app_url, "outline", sid)
    title, hook, cta = marker("My title"), f"My own hook {marker('hook')}", f"Reply with {marker('cta')}"
    for label, text in (("Title", title), ("Hook", hook), ("Sections (## heading, - point)", OUTLINE_SECTIONS),
                        ("Call to action", cta)):
        outline_field(page, label).fill(text)
        page.keyboard.press("Tab")  # each field committed on its own, as a user moves from box to box
        idle(page)
        page.wait_for_timeout(300)
    shot(page, "lost-3-outline-edited")

    def mine(o) -> bool:
        c = o.chosen_outline
        return (c is not None and c.title == title and c.hook == hook and c.call_to_action == cta
                and [s.heading for s in c.sections] == ["My first section", "My second section"])

    outline = eventually(lambda: (o := load(db, sid).current_outline) and mine(o) and o, "all four outline fields")
    assert outline.chosen_index == 0 and outline.options[0].title == title

    def shows_mine() -> None:
        expect(outline_field(page, "Title")).to_have_value(title)
        expect(outline_field(page, "Hook")).to_have_value(hook)
        expect(outline_field(page, "Sections (## heading, - point)")).to_have_value(OUTLINE_SECTIONS)
        expect(outline_field(page, "Call to action")).to_have_value(cta)

    fresh_load(page)
    shows_mine()
    shot(page, "lost-3-outline-reloaded")

    outline_radio(page, 1).click()
    settle(page)
    expect(outline_field(page, "Title")).not_to_have_value(title)
    outline_radio(page, 0).click()
    settle(page)
    shows_mine()
    assert mine(load(db, sid).current_outline)

    # Typing in a field, then picking another option straight away (the pick is the click that leaves the box).
    hook = f"A hook typed just before switching {marker('hook2')}"
    outline_field(page, "Hook").fill(hook)
    outline_radio(page, 1).click()
    settle(page)
    outline_radio(page, 0).click()
    settle(page)
    shot(page, "lost-3-outline-switched-back")
    expect(outline_field(page, "Hook")).to_have_value(hook)
    eventually(lambda: mine(load(db, sid).current_outline), "the hook typed just before switching")
    fresh_load(page)
    shows_mine()


def test_outline_fields_typed_one_right_after_another_are_all_saved(page: Page, app_url, db):
    """A quick user: Title, then Hook, Sections, Call to action, each box left for the next one at once."""
    sid = made_session(db, "outline")
    open_step(page, app_url, "outline", sid)
    values = {"Title": marker("Quick title"), "Hook": f"Quick hook {marker('hook')}",
              "Sections (## heading, - point)": OUTLINE_SECTIONS, "Call to action": f"Quick cta {marker('cta')}"}
    for label, text in values.items():
        outline_field(page, label).fill(text)  # filling the next box leaves (and commits) the previous one
    page.keyboard.press("Tab")
    settle(page)
    shot(page, "lost-3-outline-quick")
    no_error_on(page)
    keys = {"Title": "title", "Hook": "hook", "Call to action": "call_to_action"}

    def missing() -> list[str]:
        outline = load(db, sid).current_outline
        return [f"{label}={getattr(outline.chosen_outline, k, None)!r} (v{outline.version})"
                for label, k in keys.items() if getattr(outline.chosen_outline, k, None) != values[label]]

    eventually(lambda: not missing(), "all four quickly typed fields", timeout=15, details=missing)
    fresh_load(page)
    for label, text in values.items():
        expect(outline_field(page, label)).to_have_value(text)


def test_outline_two_tabs_both_titles_kept(page: Page, second_page: Page, app_url, db):
    sid = made_session(db, "outline")
    tab_a, tab_b = page, second_page
    open_step(tab_a, app_url, "outline", sid)
    open_step(tab_b, app_url, "outline", sid)  # opened before A saves
    generated = load(db, sid).current_outline.options[0].title
    for tab in (tab_a, tab_b):  # both screens show the generated outline before anyone saves
        expect(outline_field(tab, "Title")).to_have_value(generated)
    title_a, title_b = marker("Title from A"), marker("Title from B")

    outline_field(tab_a, "Title").fill(title_a)
    tab_a.keyboard.press("Tab")
    idle(tab_a)
    eventually(lambda: getattr(load(db, sid).current_outline.chosen_outline, "title", None) == title_a, "A's title")

    outline_field(tab_b, "Title").fill(title_b)
    tab_b.keyboard.press("Tab")
    idle(tab_b)
    expect(tab_b.get_by_text(CHANGED_ELSEWHERE)).to_be_visible()
    expect(outline_field(tab_b, "Title")).to_have_value(title_b)
    shot(tab_b, "lost-3-outline-two-tabs")

    def newest_title(s: Session) -> str | None:
        return getattr(s.current_outline.chosen_outline, "title", None)

    outlines = eventually(lambda: newest_title(s := load(db, sid)) == title_b and s.outlines, "B's title, newest")
    titles = [(o.version, getattr(o.chosen_outline, "title", None)) for o in outlines]
    assert any(t == title_a for _, t in titles), titles
    assert outlines[-1].conflict and outlines[-1].version > next(v for v, t in titles if t == title_a)
    fresh_load(tab_b)
    expect(outline_field(tab_b, "Title")).to_have_value(title_b)


# --- 4. Research ticks -------------------------------------------------------------------------------------


def test_research_unticked_items_stay_unticked(page: Page, app_url, db):
    sid = made_session(db, "research")
    items = load(db, sid).current_research.items
    dropped = [items[0], items[2]]
    open_step(page, app_url, "research", sid)
    for item in dropped:
        box = checkbox(page, item.text)
        expect(box.locator("input")).to_be_checked()
        box.locator("label").click()
        expect(box.locator("input")).not_to_be_checked()
    idle(page)
    shot(page, "lost-4-research-unticked")

    gone = {i.id for i in dropped}
    research = eventually(lambda: (r := load(db, sid).current_research) and not gone & set(r.kept_item_ids) and r,
                          "both items unticked")
    assert set(research.kept_item_ids) == {i.id for i in items} - gone
    fresh_load(page)
    for item in items:
        tick = expect(checkbox(page, item.text).locator("input"))
        if item.id in gone:
            tick.not_to_be_checked()
        else:
            tick.to_be_checked()


# --- 5. The research selection is respected downstream ------------------------------------------------------


def test_an_unticked_research_item_reaches_no_later_step(page: Page, app_url, db):
    start_session(page, app_url, NOTES)
    sid = session_id_of(page)
    click(page, "Use this theme → Research")
    page.wait_for_url(re.compile(r"/research\?session_id="))
    # moving on started the research: the page shows it running, then the items
    expect(page.locator("[data-testid=stCheckbox]").first).to_be_visible(timeout=30_000)
    eventually(lambda: load(db, sid).current_research, "the research")
    item = next(i for i in load(db, sid).current_research.items if i.text.rstrip("…").startswith(DISTINCT))
    needle = item.text.rstrip("…").rstrip(".")
    box = checkbox(page, needle)
    box.locator("label").click()
    expect(box.locator("input")).not_to_be_checked()
    idle(page)
    eventually(lambda: item.id not in load(db, sid).current_research.kept_item_ids, "the untick")
    fresh_load(page)
    expect(checkbox(page, needle).locator("input")).not_to_be_checked()
    shot(page, "lost-5-research-unticked")

    def absent(text: str) -> bool:
        low = text.casefold()
        return needle.casefold() not in low and DISTINCT_FRAGMENT.casefold() not in low

    click(page, "Keep selection → Outline")
    page.wait_for_url(re.compile(r"/outline\?session_id="))  # moving on started the outline options
    expect(page.get_by_role("button", name="Use this outline → Draft")).to_be_visible(timeout=30_000)
    radios = radio_options(page)
    for i in range(radios.count()):  # every option as the page shows it: its label and its fields
        radios.nth(i).click()
        idle(page)
        fields = [main(page).locator("[data-testid=stRadio]").inner_text()] + [
            outline_field(page, label).input_value()
            for label in ("Title", "Hook", "Sections (## heading, - point)", "Call to action")]
        assert all(absent(f) for f in fields), fields
    radios.nth(0).click()
    idle(page)
    shot(page, "lost-5-outline")
    assert absent(str(load(db, sid).current_outline.options))

    click(page, "Use this outline → Draft")
    page.wait_for_url(re.compile(r"/draft\?session_id="))
    expect(page.get_by_role("button", name="Continue → Outputs")).to_be_visible(timeout=30_000)
    draft = load(db, sid).current_draft
    assert draft is not None and absent(draft.markdown), draft.markdown
    assert absent(draft_box(page).input_value())
    shot(page, "lost-5-draft")

    click(page, "Continue → Outputs")
    page.wait_for_url(re.compile(r"/outputs\?session_id="))
    expect(page.get_by_role("tab", name="LinkedIn post")).to_be_visible(timeout=30_000)
    shot(page, "lost-5-outputs")
    outputs = load(db, sid).current_outputs
    assert set(outputs) == set(OUTPUT_FORMATS)
    for kind, out in outputs.items():
        assert absent(out.content), (kind, out.content)


# --- 6. Regenerating keeps the user's edits as a version --------------------------------------------------


def test_regenerating_outputs_keeps_the_edit_and_it_can_be_restored(page: Page, app_url, db):
    sid = made_session(db, "outputs")
    open_step(page, app_url, "outputs", sid)
    expect(page.get_by_role("tab", name="LinkedIn post")).to_have_attribute("aria-selected", "true")
    typed = f"\n\nMy own closing line {marker('linkedin')}"
    type_at_end(output_box(page), typed)
    page.keyboard.press("Tab")
    idle(page)
    edited = eventually(lambda: (o := load(db, sid).current_outputs["linkedin_post"]).content.endswith(typed) and o,
                        "the LinkedIn edit")
    assert edited.source == "edited"

    page.get_by_role("button", name="Regenerate outputs").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("holds your edits")
    expect(dialog).to_contain_text(f"v{edited.version}")
    shot(page, "lost-6-regenerate-confirm")
    dialog.get_by_role("button", name="Regenerate outputs").click()
    idle(page)
    expect(dialog).to_be_hidden()

    versions = eventually(lambda: (v := load(db, sid).output_versions("linkedin_post"))[-1].version > edited.version
                          and v, "a new LinkedIn version")
    assert versions[-1].source == "generated" and not versions[-1].content.endswith(typed)
    kept = next(v for v in versions if v.version == edited.version)
    assert kept.content == edited.content and kept.source == "edited"

    panel = visible_panel(page)
    panel.get_by_text(f"Version history · {len(versions)} versions").click()
    pick_version(panel, page, edited.version)
    restore = panel.get_by_role("button", name=f"Restore v{edited.version} as the newest")
    expect(restore).to_be_visible()
    shot(page, "lost-6-output-versions")
    restore.click()
    idle(page)
    newest = eventually(lambda: (o := load(db, sid).current_outputs["linkedin_post"]).restored_from == edited.version
                        and o, "the restored version")
    assert newest.content == edited.content and newest.version == versions[-1].version + 1
    expect(output_box(page)).to_have_value(edited.content)
    fresh_load(page)
    expect(output_box(page)).to_have_value(edited.content)


def test_older_research_versions_are_reachable(page: Page, app_url, db):
    sid = made_session(db, "research")
    items = load(db, sid).current_research.items
    open_step(page, app_url, "research", sid)
    page.get_by_role("button", name="Regenerate research").click()
    settle(page)
    eventually(lambda: len(load(db, sid).research) == 2, "a second research version")
    expect(page.get_by_text("Version history · 2 versions")).to_be_visible()
    settle(page)
    expander = main(page).locator("[data-testid=stExpander]").filter(has_text="Version history · 2 versions")
    expander.get_by_text("Version history · 2 versions").click()
    pick_version(expander, page, 1)
    expect(expander.get_by_role("button", name="Restore v1 as the newest")).to_be_visible()
    expect(expander.get_by_text(items[0].text, exact=False).first).to_be_visible()
    shot(page, "lost-6-research-versions")
    expander.get_by_role("button", name="Restore v1 as the newest").click()
    idle(page)
    research = eventually(lambda: (r := load(db, sid).current_research).restored_from == 1 and r, "v1 restored")
    assert research.version == 3 and research.items == items
    fresh_load(page)
    expect(page.get_by_text("Version history · 3 versions")).to_be_visible()


# --- 7. Two tabs: nobody's text is replaced ----------------------------------------------------------------


def test_two_tabs_on_one_draft_keep_both_texts(page: Page, second_page: Page, app_url, db):
    sid, tab_a, tab_b = two_tabs(page, second_page, app_url, db, "draft", draft_box, lambda s: s.current_draft.markdown)
    typed_a, typed_b = f"\n\nWritten in tab A {marker('A')}.", f"\n\nWritten in tab B {marker('B')}."

    type_at_end(draft_box(tab_a), typed_a)
    tab_a.keyboard.press("Tab")
    idle(tab_a)
    eventually(lambda: load(db, sid).current_draft.markdown.endswith(typed_a), "A's text")

    type_at_end(draft_box(tab_b), typed_b)
    tab_b.keyboard.press("Tab")
    idle(tab_b)
    expect(tab_b.get_by_text(CHANGED_ELSEWHERE)).to_be_visible()
    expect(draft_box(tab_b)).to_have_value(re.compile(re.escape(typed_b.strip()) + "$"))
    assert typed_a.strip() not in draft_box(tab_b).input_value()
    shot(tab_b, "lost-7-draft-two-tabs")

    drafts = eventually(lambda: (s := load(db, sid)).current_draft.markdown.endswith(typed_b) and s.drafts, "B's text")
    assert any(d.markdown.endswith(typed_a) for d in drafts), [d.markdown[-60:] for d in drafts]
    assert drafts[-1].conflict and drafts[-1].based_on == 1
    kept_after_reload(tab_b, draft_box, drafts[-1].markdown)


def test_two_tabs_on_one_output_keep_both_texts(page: Page, second_page: Page, app_url, db):
    sid, tab_a, tab_b = two_tabs(page, second_page, app_url, db, "outputs", output_box,
                                 lambda s: s.current_outputs["linkedin_post"].content)
    typed_a, typed_b = f"\n\nPost line from tab A {marker('A')}", f"\n\nPost line from tab B {marker('B')}"

    def linkedin():
        return load(db, sid).current_outputs["linkedin_post"]

    type_at_end(output_box(tab_a), typed_a)
    tab_a.keyboard.press("Tab")
    idle(tab_a)
    eventually(lambda: linkedin().content.endswith(typed_a), "A's text")

    type_at_end(output_box(tab_b), typed_b)
    tab_b.keyboard.press("Tab")
    idle(tab_b)
    expect(tab_b.get_by_text(CHANGED_ELSEWHERE)).to_be_visible()
    expect(output_box(tab_b)).to_have_value(re.compile(re.escape(typed_b.strip()) + "$"))
    shot(tab_b, "lost-7-output-two-tabs")

    eventually(lambda: linkedin().content.endswith(typed_b), "B's text")
    versions = load(db, sid).output_versions("linkedin_post")
    assert any(v.content.endswith(typed_a) for v in versions)
    assert versions[-1].conflict
    kept_after_reload(tab_b, output_box, versions[-1].content)


def test_two_tabs_saving_at_the_same_moment_keep_both_texts(page: Page, second_page: Page, app_url, db):
    sid, tab_a, tab_b = two_tabs(page, second_page, app_url, db, "draft", draft_box, lambda s: s.current_draft.markdown)
    base = load(db, sid).current_draft.markdown
    text_a, text_b = f"{base}\n\nRace from A {marker('A')}.", f"{base}\n\nRace from B {marker('B')}."
    draft_box(tab_a).fill(text_a)
    draft_box(tab_b).fill(text_b)
    tab_a.keyboard.press("Tab")
    tab_b.keyboard.press("Tab")
    idle(tab_a)
    idle(tab_b)

    drafts = eventually(lambda: (d := load(db, sid).drafts) and {text_a, text_b} <= {x.markdown for x in d} and d,
                        "both racing texts")
    assert len(drafts) == 3 and sum(d.conflict for d in drafts) == 1, [(d.version, d.conflict) for d in drafts]
    for tab, text in ((tab_a, text_a), (tab_b, text_b)):
        expect(draft_box(tab)).to_have_value(text)
        no_error_on(tab)
    shot(tab_a, "lost-race-a")
    shot(tab_b, "lost-race-b")
    fresh_load(tab_a)
    expect(draft_box(tab_a)).to_have_value(drafts[-1].markdown)


# --- 8. Upload joins what was typed ------------------------------------------------------------------------


def test_upload_after_typing_keeps_the_typed_notes(page: Page, app_url, db, tmp_path):
    upload = tmp_path / "more-notes.md"
    upload.write_text("# From the file\n- weekly demo videos replace status meetings\n", encoding="utf-8")
    typed = f"Typed before the upload {marker('typed')}\n- async writing beats meetings"
    page.goto(f"{app_url}/create")
    idle(page)
    notes = page.get_by_role("textbox", name="Brain dump", exact=True)
    notes.fill(typed)  # no click elsewhere: the box still has focus (as when a file is dropped on the uploader)
    page.locator("input[type=file]").set_input_files(str(upload))
    settle(page)
    shot(page, "lost-8-upload")
    expected = f"{typed}\n\n{upload.read_text(encoding='utf-8')}"
    expect(notes).to_have_value(typed)  # the typed notes are never rewritten
    expect(page.get_by_text("more-notes.md · 61 characters · added after your notes")).to_be_visible()

    click(page, "Extract themes")
    expect(page.get_by_text("Pick the theme to develop")).to_be_visible()
    sid = session_id_of(page)
    assert load(db, sid).brain_dump.raw_content == expected
    fresh_load(page)
    expect(page.get_by_text("Pick the theme to develop")).to_be_visible()
    # The saved notes are in the (closed) Brain dump expander.
    main(page).get_by_text("Brain dump · v1").click()
    expect(main(page).get_by_role("textbox", name="Brain dump", exact=True)).to_have_value(expected)
