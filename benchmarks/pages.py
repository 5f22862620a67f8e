"""Pages under load: signed-in clients asking for the plan on a page and a measure page.

A small bounded asyncio load generator on httpx: up to 50 clients, each with
its own cookie jar, sign in through the form (CSRF token and all), then, at
1, 20 and 50 clients at once, each asks for ``/`` (the plan on a page) and
``/measures/repeat-referrals/`` (a measure page) in turn, a fixed number of
rounds. Every request is timed; any status other than 200, or a transport
error, counts as an error. Latency percentiles are nearest-rank. Nothing is
asserted.

The site is ``safeplan serve`` (gunicorn, 2 workers) on 127.0.0.1 over the
synthetic county at scale 1, built by `safeplan.web.liveserver` into SQLite,
or into a PostgreSQL database the benchmark creates.

    python -m benchmarks pages
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from safeplan.web.liveserver import (
    DEMO_READER,
    demo_site_prepare,
    site_environment,
    site_prepare,
    site_served,
)

PAGES = {"plan": "/", "measure": "/measures/repeat-referrals/"}
LEVELS = (1, 20, 50)
#: Rounds (one request for each page) per client at each level: about 40–400 requests.
ROUNDS = {1: 20, 20: 5, 50: 4}
WORKERS = 2
TIMEOUT = httpx.Timeout(120.0)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of them at or below.

    >>> percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5)
    3.0
    """
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


async def signed_in(base: str) -> httpx.AsyncClient:
    """A client with its own cookies, signed in as the demo reader through the sign-in form."""
    client = httpx.AsyncClient(base_url=base, timeout=TIMEOUT, follow_redirects=True)
    form = await client.get("/account/sign-in/")
    token = _CSRF.search(form.text)
    if token is None:
        raise RuntimeError(f"the sign-in page ({form.status_code}) has no CSRF token")
    username, password = DEMO_READER
    data = {"csrfmiddlewaretoken": token[1], "username": username, "password": password}
    landed = await client.post("/account/sign-in/", data=data)
    if landed.url.path != "/" or landed.status_code != 200:
        raise RuntimeError(f"signing in landed on {landed.url} ({landed.status_code})")
    return client


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PAGES})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAGES, 0))


async def _client_rounds(client: httpx.AsyncClient, rounds: int, tally: Tally) -> None:
    for _ in range(rounds):
        for page, path in PAGES.items():
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            elapsed = time.perf_counter() - started
            if ok:
                tally.latencies[page].append(elapsed)
            else:
                tally.errors[page] += 1


async def level(clients: list[httpx.AsyncClient], rounds: int) -> dict[str, Any]:
    """All `clients` at once, `rounds` rounds each: per page n, p50, p95, max, errors; pages/s."""
    tally = Tally()
    started = time.perf_counter()
    await asyncio.gather(*(_client_rounds(c, rounds, tally) for c in clients))
    wall = time.perf_counter() - started
    figures: dict[str, Any] = {"clients": len(clients), "rounds": rounds, "seconds": wall}
    done = 0
    for page in PAGES:
        ms = [x * 1000 for x in tally.latencies[page]]
        done += len(ms)
        figures[page] = {
            "requests": len(ms) + tally.errors[page],
            "errors": tally.errors[page],
            "p50_ms": percentile(ms, 0.5) if ms else None,
            "p95_ms": percentile(ms, 0.95) if ms else None,
            "max_ms": max(ms) if ms else None,
        }
    figures["pages_per_second"] = done / wall if wall else None
    return figures


async def load_run(base: str, levels: tuple[int, ...] = LEVELS) -> list[dict[str, Any]]:
    """Sign in as many clients as the largest level, warm each with one page, run each level."""
    clients = [await signed_in(base) for _ in range(max(levels))]
    try:
        for client in clients:
            (await client.get("/")).raise_for_status()
        return [await level(clients[:n], ROUNDS.get(n, 4)) for n in levels]
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


@contextmanager
def county_site(postgres_url: str | None) -> Iterator[str]:
    """The county at scale 1 served on loopback, in SQLite or in a fresh PostgreSQL database."""
    with tempfile.TemporaryDirectory(prefix="safeplan-bench-site-") as name:
        folder = Path(name)
        env = site_environment(folder, "demo")
        if postgres_url:
            from benchmarks.stored import postgres_fresh

            env["DATABASE_URL"] = postgres_fresh(postgres_url).url
        site_prepare(env, f"{demo_site_prepare.__module__}:demo_site_prepare")
        with site_served(env, folder, workers=WORKERS) as url:
            yield url


def pages_run(postgres_url: str | None = None) -> list[dict[str, Any]]:
    with county_site(postgres_url) as url:
        return asyncio.run(load_run(url))


def report(levels: list[dict[str, Any]]) -> list[str]:
    lines = []
    for figures in levels:
        parts = []
        for page in PAGES:
            f = figures[page]
            parts.append(
                f"{page} p50 {f['p50_ms']:.0f} ms p95 {f['p95_ms']:.0f} ms"
                if f["p50_ms"] is not None
                else f"{page} no successful request"
            )
            parts[-1] += f" ({f['errors']} errors of {f['requests']})"
        lines.append(
            f"{figures['clients']:>3} clients: " + "; ".join(parts)
            + f"; {figures['pages_per_second']:.1f} pages/s"
        )  # fmt: skip
    return lines


def run() -> None:
    print(f"the county at scale 1 on SQLite, gunicorn with {WORKERS} workers on loopback…")
    for line in report(pages_run()):
        print("  " + line, flush=True)
