"""Entry point: page config, the shared context, the sidebar, navigation over app_pages/ (not pages/: Streamlit 1.67 treats a pages/ folder as the old multipage mode and never runs this script)."""

import streamlit as st

from lib.ui.context import app_context
from lib.ui.nav import navigation
from lib.ui.sidebar import sidebar

st.set_page_config(page_title="Content Studio", page_icon=":material/edit_note:", layout="wide")

page = navigation()
ctx = app_context()  # starts (or joins) the database and applies migrations before any page runs
sidebar(ctx)
page.run()
