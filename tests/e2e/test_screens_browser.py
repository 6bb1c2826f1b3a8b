"""The four screens a team browses most (Outputs, session detail, History, Gallery) at a laptop's 1280 px and a
phone's 390 px: a screenshot of each in test-artifacts/, and no button, tab or field label cut off."""

import pytest
from playwright.sync_api import Page

from lib.auth import ensure_local_user
from lib.generate import OUTPUT_FORMATS
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.pipeline import Pipeline
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore, images_root
from tests.e2e.helpers import idle, shot
from tests.helpers import BRAIN_DUMP, through
from tests.server import running_app

# Text that does not fit its box: wider than the box (clipped or ellipsised), or its text wraps inside a button
# whose label is meant to stay on one line. Labels of buttons, tabs, widget labels and select values.
CUT_OFF = """() => {
  const boxes = document.querySelectorAll(
    '[data-testid^="stBaseButton"] p, [data-testid="stTab"] p, [data-testid="stWidgetLabel"] p,' +
    ' [data-baseweb="select"] [title], [data-testid="stPageLink"] p');
  const cut = [];
  for (const el of boxes) {
    if (!el.offsetParent) continue;  // not shown (a closed expander)
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && style.overflow !== 'visible' || style.textOverflow === 'ellipsis'
        && el.scrollWidth > el.clientWidth + 1) {
      cut.push((el.getAttribute('title') || el.textContent).trim().slice(0, 60));
    }
  }
  return cut;
}"""


@pytest.fixture
def screens(db_url, db, tmp_path):
    """A finished session with images, and a standalone image, on a running app."""
    data = tmp_path / "data"
    user = ensure_local_user(db).id
    pipeline = Pipeline(Sessions(db, user), OfflineGenerator())
    sid = through(pipeline, "outputs")
    pipeline.outputs(sid, OUTPUT_FORMATS)
    images = Images(db, user, LocalImageStore(images_root(data)), Spool(data / "spool"), OfflineGenerator())
    for ratio in ("16:9", "1:1", "9:16"):
        images.generate("Editorial illustration of a team writing decisions down", aspect_ratio=ratio, session_id=sid)
    images.generate("A red kite over green hills", aspect_ratio="3:2")
    with running_app({"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(data)}) as url:
        yield url, sid


@pytest.mark.parametrize("width", [1280, 390])
def test_the_four_screens_fit_with_no_label_cut_off(browser, screens, width):
    url, sid = screens
    # Tall enough that a screenshot holds the screen's main content (Streamlit scrolls inside the page).
    context = browser.new_context(viewport={"width": width, "height": 2200})
    page: Page = context.new_page()
    cut = {}
    try:
        for name, path in [("outputs", f"outputs?session_id={sid}"), ("session", f"session?session_id={sid}"),
                           ("history", "history"), ("gallery", "gallery")]:
            page.goto(f"{url}/{path}")
            idle(page)
            page.locator("img").first.wait_for(timeout=30_000)
            shot(page, f"screen-{name}-{width}")
            if found := page.evaluate(CUT_OFF):
                cut[name] = found
    finally:
        context.close()
    assert not cut, f"labels cut off at {width} px: {cut}"


def test_the_cut_off_check_finds_a_clipped_label(browser):
    """The check above can fail: a label clipped with an ellipsis in a narrow button is reported."""
    page = browser.new_page()
    page.set_content('<div data-testid="stBaseButton-secondary" style="width:40px"><p style="overflow:hidden;'
                     'white-space:nowrap;text-overflow:ellipsis">Regenerate</p></div>'
                     '<div data-testid="stBaseButton-secondary"><p>View</p></div>')
    assert page.evaluate(CUT_OFF) == ["Regenerate"]
    page.close()
