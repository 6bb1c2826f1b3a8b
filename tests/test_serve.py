"""`make run` serves the dashboard: /_stcore/health answers ok within 60 s of starting."""

import urllib.request

from tests.server import running_app


def test_make_run_answers_health_within_60_seconds(tmp_path):
    # running_app waits at most 60 s for the first "ok" and fails otherwise.
    with running_app({"CONTENT_DATA_DIR": str(tmp_path)}, ["make", "-s", "run", "PORT={port}"]) as url:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
            assert answer.status == 200 and answer.read() == b"ok"
        with urllib.request.urlopen(url, timeout=5) as answer:  # the app's page: Streamlit's shell for the dashboard
            shell = answer.read()
            assert answer.status == 200 and b"<title>Streamlit</title>" in shell and b'<div id="root"></div>' in shell
