"""Who can reach the dashboard: this computer only (the default) or the network."""

from __future__ import annotations

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

OPEN_WITHOUT_SIGN_IN = (
    "This dashboard is open to your network and has no sign-in: anyone who can reach this computer can read, "
    "change and delete every session and image. To keep it to this computer, start it with `make run` (no HOST). "
    "To share it with a team, set SUPABASE_URL and SUPABASE_ANON_KEY so that everyone signs in."
)


def open_to_network(address: str | None) -> bool:
    """Streamlit's server.address: unset or empty listens on every interface."""
    return (address or "").strip().strip("[]") not in LOOPBACK
