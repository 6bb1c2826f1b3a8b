"""The sidebar: who is signed in, which generator runs, generation options, the menu."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from lib.generate import LANGUAGES, TONES, GenerationOptions
from lib.generate.base import DRAFT_WORDS_MAX, DRAFT_WORDS_MIN
from lib.errors import SessionNotFound
from lib.exposure import OPEN_WITHOUT_SIGN_IN, open_to_network
from lib.session import parse_session_id
from lib.ui.autosave import autosave
from lib.ui.context import AppContext
from lib.ui.session_url import session_id_param
from lib.ui.nav import sidebar_menu
from lib.ui.signin import sign_out_button


def valid_session_id():
    """The URL's session id when it is one; a malformed id is not carried into the menu's links."""
    try:
        return parse_session_id(session_id_param()) if session_id_param() else None
    except SessionNotFound:
        return None


def remembered_session(ctx: AppContext) -> tuple:
    """The session in the URL; on pages without one (Home, History, Gallery) the last one this tab opened, with
    its title. Only a pointer is remembered; the session itself is read from the database (gone: forgotten)."""
    sid = valid_session_id()
    if sid is not None:
        st.session_state["last_session_id"] = sid
        return sid, None
    last = st.session_state.get("last_session_id")
    title = ctx.sessions.title_of(last) if last else None
    if title is None:
        st.session_state.pop("last_session_id", None)
        return None, None
    return last, title


def sidebar(ctx: AppContext) -> GenerationOptions:
    """The sidebar, and the generation options it shows (this run's, for the page's pipeline)."""
    with st.sidebar:
        st.markdown("### Content Studio")
        if open_to_network(st.get_option("server.address")) and not ctx.config.supabase_enabled:
            st.warning(OPEN_WITHOUT_SIGN_IN, icon=":material/public:")
        sidebar_menu(*remembered_session(ctx))
        st.divider()
        where = urlsplit(ctx.config.openai_base_url).netloc if ctx.config.openai_base_url else "OpenAI"
        images = {"openai": f"{ctx.config.openai_image_model} at {where}", "offline": "offline renderer",
                  "none": "off"}[ctx.config.image_generator]
        if ctx.config.generator == "offline":
            made = "text and images are" if ctx.config.image_generator == "offline" else "text is"
            st.info(f"**Offline demo mode**: {made} made on this machine from your own notes; "
                    "set OPENAI_API_KEY for AI generation.", icon=":material/cloud_off:")
            if ctx.config.image_generator != "offline":
                st.caption(f"Images: {images}")
        else:
            st.caption(f"Text: {getattr(ctx.generator, 'text_model_name', ctx.config.openai_text_model)} at {where}"
                       f" · Images: {images}")
        with st.expander("Generation options", icon=":material/tune:"):
            language = st.selectbox("Language", LANGUAGES, key="opt_language")
            tone = st.selectbox("Tone", TONES, key="opt_tone")
            words = st.slider("Draft length (words)", DRAFT_WORDS_MIN, 2000, 800, step=50, key="opt_words")
            if ctx.config.generator == "offline":
                st.caption("Offline mode writes in your notes' own language and can only reach the length "
                           "your notes allow; tone changes its connecting phrases.")
        options = GenerationOptions(language=language, tone=tone, draft_words=min(words, DRAFT_WORDS_MAX))
        st.caption(f"Signed in as **{ctx.user.label}**")
        autosave()
        if ctx.config.supabase_enabled:
            sign_out_button(ctx.config)
    return options
