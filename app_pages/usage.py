"""Usage: the tokens generations used, per week (in the viewer's time zone) and model, with the cost where the
model's price is known; one statement whatever the number of generations."""

import streamlit as st

from lib import usage
from lib.ui.clock import user_zone
from lib.ui.context import app_context
from lib.ui.nav import link
from lib.ui.shown_errors import shown_errors
from lib.ui.url_state import date_range
from lib.ui.usage import week_chart_data, week_table

ctx = app_context()
st.title("Usage")
st.caption("Tokens each generation used (themes, research, outlines, drafts, outputs, images), per week and model. "
           "Weeks start on Monday in your time zone.")

dates = date_range(st.columns([2, 3])[0], "Generated between")
with shown_errors(stop=True):
    weeks = usage.usage_by_week(ctx.db, ctx.user.id, dates[0] if len(dates) > 0 else None,
                                dates[1] if len(dates) > 1 else None, zone=user_zone())

if not weeks:
    st.info("No generations between these dates." if dates else
            "No generations yet. Each time themes, research, outlines, a draft, outputs or an image are made, the "
            "tokens it used appear here per week and model, with the cost where the model's price is known.",
            icon=":material/data_usage:")
    link("create", label="Start a new session", icon=":material/add:")
    st.stop()

tallies = [w.tally for w in weeks]
real = [t for t in tallies if not t.offline]
tokens, calls, cost = st.columns(3)
tokens.metric("Tokens", usage.total_text(sum(real, usage.Tally())) if real else usage.OFFLINE_TEXT)
calls.metric("Generations", f"{sum(t.calls for t in tallies):,}")
cost.metric("Cost (USD)", usage.cost_text(tallies))

st.subheader("Per week and model")
st.dataframe(week_table(weeks), hide_index=True, width="stretch")

st.subheader("Tokens per week")
chart = week_chart_data(weeks)
if chart.empty:
    st.caption("Nothing to draw: these generations ran offline (no tokens) or their servers sent no counts.")
else:
    st.bar_chart(chart, x="Week of", y="Tokens", color="Model", stack=True, x_label="Week of", y_label="Tokens")

prices = ", ".join(f"{model} ${p.input:g} in / ${p.output:g} out" for model, p in usage.PRICES.items())
st.caption(f"**≈** estimated: the server sent no counts for a streamed draft, so its completion tokens were counted "
           f"from the stream and its prompt tokens are unknown. **unknown**: the server sent no counts. "
           f"**offline (no tokens)**: made by the offline generator. Cost is at list prices per 1M tokens, checked "
           f"{usage.PRICES_CHECKED:%Y-%m-%d} ({prices}); **—** where the model's price is not listed, **≥** where "
           "some tokens are unknown. Your provider's bill is what counts.")
