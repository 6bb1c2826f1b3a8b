"""The starting prompt offered for a session's image: its title and the draft's opening (or the theme's summary)."""

from __future__ import annotations

from lib.generate.markdown_draft import plain
from lib.session_data import Session


def image_prompt(session: Session, limit: int = 400) -> str:
    parts = [session.title]
    if session.current_draft:
        body = [p for p in session.current_draft.markdown.split("\n\n") if p.strip() and not p.lstrip().startswith("#")]
        if body:
            parts.append(plain(body[0]))
    elif session.selected_theme:
        parts.append(session.selected_theme.summary)
    prompt = "Editorial illustration: " + ". ".join(p.strip().rstrip(".") for p in parts if p.strip())
    return prompt if len(prompt) <= limit else prompt[: limit - 1].rsplit(" ", 1)[0] + "…"
