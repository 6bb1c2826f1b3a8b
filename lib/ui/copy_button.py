"""Labelled Copy buttons: a click puts the text on the clipboard and the button says "Copied".

Streamlit has no such button (only `st.code`'s unlabelled icon that shows on hover), so this is a small
`st.components.v2` component: plain HTML buttons in the app's own page, styled from the theme's colours.
The clipboard API needs a secure context (https, or http on localhost / 127.0.0.1); elsewhere the buttons fall
back to the browser's copy command, and say so when even that is refused.
"""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from lib.output_text import Copy

_CSS = """
.copy-row { display: flex; flex-wrap: wrap; gap: 0.5rem; }
button {
  display: inline-flex; align-items: center; gap: 0.375rem; min-height: 2.5rem; padding: 0.25rem 0.75rem;
  font: inherit; font-family: var(--st-font); font-size: var(--st-base-font-size); line-height: 1.6;
  color: var(--st-text-color); background: var(--st-background-color);
  border: 1px solid var(--st-border-color); border-radius: var(--st-button-radius); cursor: pointer;
}
button:hover { border-color: var(--st-primary-color); color: var(--st-primary-color); }
button:focus-visible { outline: 2px solid var(--st-primary-color); outline-offset: 1px; }
button.done { border-color: var(--st-green-color); color: var(--st-green-text-color); }
button.failed { border-color: var(--st-red-color); color: var(--st-red-text-color); }
svg { width: 1.1em; height: 1.1em; fill: none; stroke: currentColor; stroke-width: 2; flex: none; }
"""

_JS = """
const COPY = '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="8" y="3" width="12" height="14" rx="2"/><path d="M4 7v12a2 2 0 0 0 2 2h10"/></svg>';
const DONE = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg>';

async function write(item) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      if (item.html && window.ClipboardItem) {
        await navigator.clipboard.write([new ClipboardItem({
          "text/html": new Blob([item.html], { type: "text/html" }),
          "text/plain": new Blob([item.text], { type: "text/plain" }),
        })]);
      } else {
        await navigator.clipboard.writeText(item.text);
      }
      return true;
    } catch (error) {
      console.warn("Clipboard refused the copy; trying the browser's copy command", error);
    }
  }
  const area = document.createElement("textarea");
  area.value = item.text;
  area.setAttribute("readonly", "");
  area.style.cssText = "position:fixed;top:0;left:0;opacity:0";
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
  area.remove();
  return copied;
}

function show(button, item, state) {
  const text = state === "done" ? "Copied" : state === "failed" ? "Copy failed: select the text and press Ctrl+C" : item.label;
  button.innerHTML = (state === "done" ? DONE : COPY) + "<span></span>";
  button.querySelector("span").textContent = text;
  button.classList.toggle("done", state === "done");
  button.classList.toggle("failed", state === "failed");
}

export default function ({ data, parentElement }) {
  let row = parentElement.querySelector(".copy-row");
  if (!row) {
    row = document.createElement("div");
    row.className = "copy-row";
    row.setAttribute("aria-live", "polite");
    parentElement.appendChild(row);
  }
  row.replaceChildren();
  const timers = [];
  for (const item of data.buttons) {
    const button = document.createElement("button");
    button.type = "button";
    if (item.help) button.title = item.help;
    show(button, item, "");
    button.__reset = () => show(button, item, "");  // only the button clicked last says "Copied"
    button.addEventListener("click", async () => {
      row.querySelectorAll("button").forEach((other) => other !== button && other.__reset && other.__reset());
      show(button, item, (await write(item)) ? "done" : "failed");
      timers.push(setTimeout(() => show(button, item, ""), 2500));
    });
    row.appendChild(button);
  }
  return () => timers.forEach(clearTimeout);
}
"""

_component = st.components.v2.component("content_studio_copy_buttons", css=_CSS, js=_JS)


def copy_buttons(copies: Sequence[Copy], *, key: str, width: str = "stretch") -> None:
    """One row of Copy buttons (each copies its own text; one with `html` also puts HTML on the clipboard)."""
    _component(key=key, width=width,
               data={"buttons": [{"label": c.label, "text": c.text, "html": c.html, "help": c.help} for c in copies]})
