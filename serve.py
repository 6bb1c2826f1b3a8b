"""What `make run` serves: the Streamlit app plus the local image folder.

Run with `streamlit run serve.py`. The app itself is streamlit_app.py; this
file only adds routes: one so that locally stored images have URLs the browser
loads directly: /app/static/images/{user_id}/{session_id or standalone}/{file},
and POST /auth/session, which sets and clears the sign-in cookie (lib/auth_cookie.py).
"""

import logging

import streamlit as st
from starlette.routing import Mount

from lib import auth_cookie
from lib.config import load_config
from lib.exposure import OPEN_WITHOUT_SIGN_IN, open_to_network
from lib.image_route import ImageFiles
from lib.storage.local import URL_PREFIX, images_root

_config = load_config()
_images = images_root(_config.data_dir)
if open_to_network(st.get_option("server.address")) and not _config.supabase_enabled:
    logging.getLogger("content_studio").warning(OPEN_WITHOUT_SIGN_IN)
_images.mkdir(parents=True, exist_ok=True)

app = st.App(
    "streamlit_app.py",
    routes=[
        *auth_cookie.routes(),  # the sign-in cookie
        Mount(URL_PREFIX, ImageFiles(directory=_images)),  # images only, nosniff (lib/image_route.py)
    ],
)
