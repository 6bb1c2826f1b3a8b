"""`make run` listens on this computer only; `make run HOST=0.0.0.0` opens it to the network, with a warning."""

import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lib.exposure import OPEN_WITHOUT_SIGN_IN, open_to_network
from tests.server import running_app


def this_machines_address() -> str:
    """The address of the interface that routes outward (no packet is sent: UDP connect only picks a route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 1))
        address = s.getsockname()[0]
    if address.startswith("127."):
        pytest.fail("this machine has no non-loopback IPv4 address to test against")
    return address


def health(url: str) -> bytes:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as answer:
        return answer.read()


def test_make_run_accepts_no_connection_from_the_network(tmp_path):
    address = this_machines_address()
    with running_app({"CONTENT_DATA_DIR": str(tmp_path)}, ["make", "-s", "run", "PORT={port}"]) as url:
        assert health(url) == b"ok"  # on 127.0.0.1
        port = url.rsplit(":", 1)[1]
        with pytest.raises(urllib.error.URLError):
            health(f"http://{address}:{port}")
    assert OPEN_WITHOUT_SIGN_IN not in log_of(tmp_path)


def test_host_0000_opens_it_and_says_so(tmp_path):
    address = this_machines_address()
    with running_app({"CONTENT_DATA_DIR": str(tmp_path)}, ["make", "-s", "run", "HOST=0.0.0.0", "PORT={port}"]) as url:
        port = url.rsplit(":", 1)[1]
        assert health(f"http://{address}:{port}") == b"ok"
    assert OPEN_WITHOUT_SIGN_IN in log_of(tmp_path)


def log_of(data_dir: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in data_dir.glob("app-*.log"))


@pytest.mark.parametrize("address,open_", [("127.0.0.1", False), ("localhost", False), ("::1", False), ("[::1]", False),
                                           ("0.0.0.0", True), ("", True), (None, True), ("192.0.2.2", True)])
def test_which_addresses_are_open(address, open_):
    assert open_to_network(address) is open_


def test_the_sidebar_warns_when_open_and_nobody_signs_in(app):
    from streamlit import config

    # server.address is a start-up option (st.set_option refuses it); set it the way the command line does.
    config.get_config_options()
    config._set_option("server.address", "0.0.0.0", "test")
    try:
        app.run()
        assert any(OPEN_WITHOUT_SIGN_IN in w.value for w in app.sidebar.warning)
    finally:
        config._set_option("server.address", "127.0.0.1", "test")
    app.run()
    assert not any(OPEN_WITHOUT_SIGN_IN in w.value for w in app.sidebar.warning)
