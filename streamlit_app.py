"""Entry point: page config, this run's context, the sidebar, navigation over app_pages/ (not pages/: Streamlit 1.67 treats a pages/ folder as the old multipage mode and never runs this script)."""

import streamlit as st

from lib.ui.context import build_context, start_run
from lib.ui.nav import navigation
from lib.ui.sidebar import sidebar

st.set_page_config(page_title="Content Studio", page_icon=":material/edit_note:", layout="wide")

page = navigation()
ctx = build_context()  # the database, the user and the services, once per run; pages take it with app_context()
start_run(ctx, options=sidebar(ctx))
page.run()
