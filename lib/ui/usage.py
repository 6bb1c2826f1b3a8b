"""Tokens and cost on screen: a caption per step and per session, the Usage page's table and chart."""

from __future__ import annotations

from typing import Iterable, Sequence

import pandas as pd
import streamlit as st

from lib import usage
from lib.ui.clock import local_time


def usage_caption(tallies: Iterable[usage.Tally] | None, container=st) -> None:
    """One line of tokens and cost (nothing when nothing was generated)."""
    if line := usage.summary(tallies):
        container.caption(f":material/data_usage: {line}")


def step_usage_caption(versions: Sequence, container=st) -> None:
    """The generation behind a step's current version (`versions`: the session's, oldest first). No query."""
    tally = usage.version_tally(versions)
    usage_caption([tally] if tally else None, container)


def sessions_usage(ctx, session_ids: Iterable[object]) -> dict:
    """Tallies of many sessions (a History page) in one statement; `usage_caption(result.get(id))` per card."""
    return usage.session_usage(ctx.db, ctx.user.id, session_ids)


def session_usage_caption(ctx, session_id: object, container=st) -> None:
    """A session's tokens and cost, every step and image (one statement)."""
    usage_caption(next(iter(sessions_usage(ctx, [session_id]).values()), None), container)


def week_table(weeks: list[usage.WeekUsage]) -> pd.DataFrame:
    """The Usage page's table: a row per week and model, counts marked as they are known."""
    return pd.DataFrame([{
        "Week of": w.week.isoformat(),
        "Model": w.tally.model or "not recorded",
        "Generations": w.tally.calls,
        "Prompt tokens": usage.prompt_text(w.tally),
        "Completion tokens": usage.completion_text(w.tally),
        "Total tokens": usage.total_text(w.tally),
        "Cost (USD)": usage.cost_text([w.tally]),
        "Last": f"{local_time(w.last_at):%Y-%m-%d %H:%M}",
    } for w in weeks])


def week_chart_data(weeks: list[usage.WeekUsage]) -> pd.DataFrame:
    """Known tokens per week and model (offline and unknown counts have none to draw)."""
    return pd.DataFrame([{"Week of": w.week.isoformat(), "Model": w.tally.model or "not recorded",
                          "Tokens": w.tally.total_tokens}
                         for w in weeks if not w.tally.offline and w.tally.counted],
                        columns=["Week of", "Model", "Tokens"])
