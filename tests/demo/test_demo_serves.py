"""The real ``safeplan demo``: build, then serve, and the first session's pages answer.

Issue 9, item 0: the first session after ``make demo`` hung on the records
behind a figure and on an upload, because the server's workers were forked
from the process that had run the build (and Polars' thread pool). Here the
command runs as a user runs it, in its own folder and database on a free
port; each request has a generous bound that only a hang would exceed.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from safeplan.web.liveserver import free_port
from tests.imports.conftest import GOOD_ROWS

HANG = 60  # seconds: gunicorn kills a stuck worker after 30, so a hang shows long before this
BUILD = 600  # seconds to build and start serving the small county
NOTICE = "These figures may be out of date"


class Demo:
    """A running ``safeplan demo`` and a signed-in browser-like client for it."""

    def __init__(self, process: subprocess.Popen[str], base: str) -> None:
        self.process = process
        self.base = base
        self.output: list[str] = []
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def said(self) -> str:
        return "".join(self.output)

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + BUILD
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"safeplan demo stopped:\n{self.said()}")
            try:
                with urllib.request.urlopen(f"{self.base}/account/sign-in/", timeout=5):
                    return
            except OSError:
                time.sleep(1)
        pytest.fail(f"safeplan demo did not serve within {BUILD} s:\n{self.said()}")

    def request(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[str, str]:
        """The final URL and page after redirects; fails on a hang."""
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=HANG) as response:
                return response.url, response.read().decode()
        except urllib.error.HTTPError:
            raise
        except (TimeoutError, http.client.RemoteDisconnected, urllib.error.URLError) as exc:
            # gunicorn kills a worker stuck for 30 s, which closes the connection
            pytest.fail(f"{path} did not answer ({exc!r}): a hang\n{self.said()[-3000:]}")

    def csrf(self, path: str) -> str:
        _, page = self.request(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[:500]
        return found.group(1)

    def sign_in(self, username: str, password: str) -> None:
        form = {"csrfmiddlewaretoken": self.csrf("/account/sign-in/"),
                "username": username, "password": password}  # fmt: skip
        url, _ = self.request("/account/sign-in/", urllib.parse.urlencode(form).encode(),
                              {"Referer": f"{self.base}/account/sign-in/"})  # fmt: skip
        assert url == f"{self.base}/", url

    def upload(self, dataset: str, name: str, content: bytes) -> tuple[str, str]:
        boundary = uuid.uuid4().hex
        fields = {"csrfmiddlewaretoken": self.csrf("/data/"), "dataset": dataset}
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]  # fmt: skip
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     "Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")  # fmt: skip
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
                   "Referer": f"{self.base}/data/"}  # fmt: skip
        return self.request("/data/", body, headers)


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    port = free_port()
    env = {**os.environ, "SAFEPLAN_MODE": "demo",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [str(Path(sys.executable).with_name("safeplan")), "demo", "--scale", "0.02",
               "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    running = Demo(process, f"http://127.0.0.1:{port}")
    try:
        running.wait_until_serving()
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the server, its workers and the task worker
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        running.reader.join(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def _analyst_password(said: str) -> str:
    found = re.search(r"demo-analyst\s+(\S+)", said)
    assert found, said
    return found.group(1)


@pytest.mark.slow
def test_the_first_demo_session_answers_drill_downs_and_uploads(demo: Demo) -> None:
    demo.sign_in("demo-analyst", _analyst_password(demo.said()))

    _, records = demo.request("/measures/M2/records/")  # the drill-down that hung
    assert "<table" in records

    row = {**GOOD_ROWS["challenges"], "challenge_id": "CH-E2E-1"}
    content = (",".join(row) + "\n" + ",".join(row.values()) + "\n").encode()
    url, page = demo.upload("challenges", "challenges.csv", content)
    assert re.search(r"/data/batches/\d+/$", url), page[:2000]
    assert "The file was imported" in page

    # The recompute the upload queued runs in the worker beside the server.
    deadline = time.monotonic() + HANG
    while NOTICE in demo.request("/")[1]:
        assert time.monotonic() < deadline, (
            f"the figures were never recomputed:\n{demo.said()[-3000:]}"
        )
        time.sleep(1)
    _, again = demo.request("/measures/M2/records/")  # and the session still answers
    assert "<table" in again
    # Served from a fresh process: no thread of the build crossed into the forked workers.
    assert _threads(demo.process.pid) == 1, "the serving process has threads"
