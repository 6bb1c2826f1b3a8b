"""Entry point: page config, the shared context, navigation over pages/."""

import streamlit as st

from lib.ui.context import app_context

st.set_page_config(page_title="Content Studio", page_icon=":material/edit_note:", layout="wide")

ctx = app_context()  # starts (or joins) the database and applies migrations before any page runs

with st.sidebar:
    st.caption(f"Signed in as **{ctx.user.label}**")
    if ctx.config.generator == "offline":
        st.info("Offline demo mode: text and images are made on this machine from your own notes.", icon=":material/cloud_off:")
    else:
        st.caption(f"Generator: OpenAI · {ctx.config.openai_text_model}")

page = st.navigation([st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)])
page.run()
