"""The plan on a page under load: 20 signed-in clients against gunicorn on loopback.

Builds the synthetic county at scale 1 into a temporary SQLite database,
serves it with ``safeplan serve`` and has 20 clients (threads, each with its
own cookie jar) sign in through the form and then ask for ``/`` in turn.
Prints the median and 95th-percentile latency; asserts nothing.
"""

from __future__ import annotations

import http.cookiejar
import re
import statistics
import threading
import time
import urllib.parse
import urllib.request

from safeplan.web.liveserver import DEMO_READER

CLIENTS = 20
REQUESTS_PER_CLIENT = 10
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in_opener(base: str) -> urllib.request.OpenerDirector:
    """A client with its own cookies, signed in through the sign-in form."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = opener.open(f"{base}/account/sign-in/", timeout=60).read().decode()
    token = _CSRF.search(form)
    if token is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    username, password = DEMO_READER
    data = {"csrfmiddlewaretoken": token[1], "username": username, "password": password}
    response = opener.open(
        f"{base}/account/sign-in/", urllib.parse.urlencode(data).encode(), timeout=60
    )
    if urllib.parse.urlparse(response.geturl()).path != "/":
        raise RuntimeError(f"signing in landed on {response.geturl()}")
    return opener


def client_run(opener: urllib.request.OpenerDirector, base: str, out: list[float]) -> None:
    for _ in range(REQUESTS_PER_CLIENT):
        started = time.perf_counter()
        with opener.open(f"{base}/", timeout=120) as response:
            response.read()
        out.append(time.perf_counter() - started)


def load_run(base: str) -> tuple[list[float], float]:
    """Sign the clients in (one warm-up page each), then time every request; (latencies, wall)."""
    openers = [signed_in_opener(base) for _ in range(CLIENTS)]
    for opener in openers:
        opener.open(f"{base}/", timeout=120).read()
    latencies: list[float] = []
    threads = [
        threading.Thread(target=client_run, args=(o, base, latencies)) for o in openers
    ]  # list.append is atomic under the GIL
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of values at or below."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def run() -> None:
    from safeplan.web.cli import default_workers
    from safeplan.web.liveserver import demo_site_prepare, live_site

    print("building the county at scale 1 and starting gunicorn…", flush=True)
    started = time.perf_counter()
    with live_site(f"{demo_site_prepare.__module__}:demo_site_prepare", mode="demo") as site:
        print(f"  ready in {time.perf_counter() - started:.1f} s", flush=True)
        latencies, wall = load_run(site.url)
    ms = [x * 1000 for x in latencies]
    print(
        f"dashboard /: {CLIENTS} signed-in clients × {REQUESTS_PER_CLIENT} requests, "
        f"gunicorn with {default_workers()} workers on loopback"
    )
    print(
        f"  median {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
        f"max {max(ms):.0f} ms; {len(ms) / wall:.1f} pages/s"
    )


if __name__ == "__main__":
    run()
