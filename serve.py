"""What `make run` serves: the Streamlit app plus the local image folder.

Run with `streamlit run serve.py`. The app itself is streamlit_app.py; this
file adds routes and the process's lifespan:
- /app/static/images/{user_id}/{session_id or standalone}/{file}: locally stored images, loaded directly;
- POST /auth/session sets and clears the sign-in cookie (lib/auth_cookie.py);
- at start the database is started (embedded default) and migrated before the first page asks, and a
  generation worker starts in this process (unless CONTENT_WORKER=off); at stop (SIGTERM, Ctrl+C) the
  worker stops, the pools close and the embedded server stops if no other app process uses it.
"""

import asyncio
import logging
from contextlib import asynccontextmanager

import streamlit as st
from starlette.routing import Mount

from lib import auth_cookie, db
from lib.config import load_config
from lib.errors import AppError
from lib.exposure import OPEN_WITHOUT_SIGN_IN, open_to_network
from lib.image_route import ImageFiles
from lib.jobs.worker import InProcessWorker
from lib.storage.local import URL_PREFIX, images_root

log = logging.getLogger("content_studio")
_config = load_config()
_images = images_root(_config.data_dir)
if open_to_network(st.get_option("server.address")) and not _config.supabase_enabled:
    log.warning(OPEN_WITHOUT_SIGN_IN)
_images.mkdir(parents=True, exist_ok=True)


@asynccontextmanager
async def lifespan(_app):
    worker = None
    try:
        await asyncio.to_thread(db.get_database, _config)
        if _config.worker == "inprocess":  # jobs run here too; CONTENT_WORKER=off leaves them to `make worker`
            worker = await asyncio.to_thread(InProcessWorker(_config, _config.worker_concurrency).start)
    except AppError as exc:  # the pages show it, with its fix, and try again on the next run
        log.warning("database not ready at start: %s", exc)
    yield
    if worker is not None:
        await asyncio.to_thread(worker.stop)  # its running jobs are left to the next worker, not lost
    await asyncio.to_thread(db.shutdown, _config)


app = st.App(
    "streamlit_app.py",
    routes=[
        *auth_cookie.routes(),  # the sign-in cookie
        Mount(URL_PREFIX, ImageFiles(directory=_images)),  # images only, nosniff (lib/image_route.py)
    ],
    lifespan=lifespan,
)
