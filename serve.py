"""What `make run` serves: the Streamlit app plus the local image folder.

Run with `streamlit run serve.py`. The app itself is streamlit_app.py; this
file only adds a route so that locally stored images have URLs the browser
loads directly: /app/static/images/{user_id}/{session_id or standalone}/{file}.
"""

import streamlit as st
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from lib.config import load_config
from lib.storage.local import URL_PREFIX, images_root

_images = images_root(load_config().data_dir)
_images.mkdir(parents=True, exist_ok=True)

app = st.App(
    "streamlit_app.py",
    routes=[Mount(URL_PREFIX, StaticFiles(directory=_images, follow_symlink=False))],
)
