"""The exported Markdown's image links work outside the app: the ZIP's relative links name files in the ZIP, and
the Markdown download's links are absolute URLs the running app answers with the image."""

import io
import re
import urllib.request
import zipfile

from lib.export import session_markdown, session_zip
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.spool import Spool
from lib.storage import LocalImageStore, images_root
from tests.server import running_app
from tests.test_export import full_session

LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def test_the_zip_markdown_links_each_image_to_a_file_inside_the_zip(db, user_a, tmp_path):
    session, images, made = full_session(db, user_a, tmp_path)
    archive = zipfile.ZipFile(io.BytesIO(session_zip(session, images.for_session(session.id), images.image_bytes)))
    [markdown_name] = [n for n in archive.namelist() if n.endswith(".md")]
    links = LINK.findall(archive.read(markdown_name).decode())
    assert sorted(links) == sorted(f"images/{r.id}.png" for r in made)
    for link in links:  # relative to the Markdown file, as a viewer resolves it
        assert archive.read(link).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_markdown_download_links_absolute_urls_the_app_serves(db, db_url, user_a, tmp_path):
    data = tmp_path / "data"
    session, _, _ = full_session(db, user_a, tmp_path)
    images = Images(db, user_a, LocalImageStore(images_root(data)), Spool(data / "spool"), OfflineGenerator())
    made = images.generate("A podcast cover, bold type", aspect_ratio="1:1", session_id=session.id)
    with running_app({"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(data)}) as url:
        markdown = session_markdown(session, [made], base_url=url + "/")
        [link] = LINK.findall(markdown)
        assert link.startswith(f"{url}/app/static/images/")
        with urllib.request.urlopen(link, timeout=10) as answer:
            assert answer.status == 200 and answer.headers["Content-Type"] == "image/png"
            assert answer.read() == images.image_bytes(made)
