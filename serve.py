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


RETRY_S = 5.0  # a database that is not up when the app starts (a deploy before the database) is tried again


async def _start_when_the_database_is_up(started: list) -> None:
    """The database, then (unless CONTENT_WORKER=off) this process's generation worker; until both are up,
    try again every few seconds, so jobs never wait for a worker that was never started."""
    while True:
        try:
            await asyncio.to_thread(db.get_database, _config)
            break
        except AppError as exc:  # meanwhile the pages show it, with its fix
            log.warning("database not ready: %s (trying again in %.0f s)", exc, RETRY_S)
            await asyncio.sleep(RETRY_S)
    if _config.worker == "inprocess":  # jobs run here too; CONTENT_WORKER=off leaves them to `make worker`
        started.append(await asyncio.to_thread(InProcessWorker(_config, _config.worker_concurrency).start))


@asynccontextmanager
async def lifespan(_app):
    started: list = []
    starting = asyncio.create_task(_start_when_the_database_is_up(started))
    await asyncio.wait({starting}, timeout=15)  # usually up before the first page; if not, pages say so
    yield
    starting.cancel()
    for worker in started:
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
