"""The whole-draw check in the browser against the command line, on the same published files.

Usage::

    python bench/fairdraw_browser.py                  # 200k entries, 3 runs each
    python bench/fairdraw_browser.py --sizes 20k,200k --runs 1

For each size: a draw is run by the reference implementation (`run_draw`; the workload of
bench/fairdraw.py: everyone in ``general``, about half also in ``first_home`` and in
``key_industry``, the Hefei default configuration with units = 1% of entries and a waitlist as
long) and its three files are written to a directory. That directory is served by a local
``http.server`` together with gaoxin/static/gaoxin/fairdraw-core.js and fairdraw-worker.js and
a harness page, and headless Chromium (Debian's, through Playwright) runs the whole-draw check
exactly as the results page starts it: a Web Worker fetches protocol, roster (streamed) and
results file and re-runs the draw with Web Crypto's SHA-256. *browser* is the time from posting
the job to the worker's answer, as the page measures it (downloads from localhost included).
*CLI* is the wall time of ``python3 fairdraw.pyz verify protocol.json roster.csv --results
results.csv --quiet`` in a fresh process (interpreter start, reading and parsing included),
with the same Python that runs this script. Both must say the draw verifies.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.fairdraw import build_roster, parse_size  # noqa: E402
from gaoxin.fairdraw import build_pyz, default_config, run_draw  # noqa: E402
from gaoxin.fairdraw.entropy import EntropyDeclaration, EntropySource  # noqa: E402
from gaoxin.fairdraw.roster import roster_csv  # noqa: E402
from gaoxin.testing.browser import chromium_path  # noqa: E402

STATIC = REPO / "gaoxin" / "static" / "gaoxin"
HARNESS = """<!doctype html><meta charset="utf-8"><title>fairdraw bench</title>
<script src="bench.js"></script>"""
BENCH_JS = """window.runDraw = function () {
  return new Promise(function (resolve) {
    var started = performance.now();
    var worker = new Worker("fairdraw-worker.js");
    var stages = {}, stage = null, since = started;
    worker.onmessage = function (event) {
      var now = performance.now();
      var name = event.data.type === "progress" ? event.data.stage : "(answer)";
      if (name !== stage) {
        if (stage !== null) stages[stage] = (stages[stage] || 0) + (now - since);
        stage = name;
        since = now;
      }
      if (event.data.type === "progress") return;
      worker.terminate();
      resolve({ms: now - started, message: event.data, stages: stages});
    };
    worker.postMessage({cmd: "draw", urls: {protocol: "protocol.json", roster: "roster.csv",
                                            results: "results.csv"}});
  });
};"""


def write_draw(n: int, directory: Path) -> int:
    entries = build_roster(n)
    config = default_config(max(1, n // 100))
    entropy = EntropyDeclaration(
        (
            EntropySource("SSE Composite close, x100", "declared"),
            EntropySource("Welfare Lottery 3D", "declared"),
        )
    ).reveal(["321567", "4 0 7"])
    result = run_draw(entries, config, entropy)
    (directory / "protocol.json").write_text(result.protocol_json(), encoding="utf-8")
    (directory / "roster.csv").write_text(roster_csv(entries), encoding="utf-8")
    (directory / "results.csv").write_bytes(result.results_bytes())
    for name in ("fairdraw-core.js", "fairdraw-worker.js"):
        shutil.copy(STATIC / name, directory / name)
    (directory / "index.html").write_text(HARNESS, encoding="utf-8")
    (directory / "bench.js").write_text(BENCH_JS, encoding="utf-8")
    build_pyz.build(directory / "fairdraw.pyz")
    return (directory / "roster.csv").stat().st_size


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def browser_runs(url: str, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise SystemExit("Debian's chromium is not installed (make system-deps)")
    seconds = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(runs):
            page = browser.new_page()
            page.set_default_timeout(600_000)
            page.goto(url)
            out = page.evaluate("window.runDraw()")
            message = out["message"]
            if message["type"] != "done" or not message["answer"]["ok"]:
                raise SystemExit(f"the browser check did not verify: {json.dumps(message)[:2000]}")
            seconds.append(out["ms"] / 1000)
            stages = ", ".join(f"{k} {v / 1000:.2f}" for k, v in out["stages"].items())
            print(f"  browser stages (s): {stages}", file=sys.stderr, flush=True)
            page.close()
        browser.close()
    return seconds


def cli_runs(directory: Path, runs: int) -> list[float]:
    seconds = []
    args = [sys.executable, "-I", "fairdraw.pyz", "verify", "protocol.json", "roster.csv"]
    args += ["--results", "results.csv", "--quiet"]
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(args, cwd=directory, capture_output=True, text=True)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"fairdraw.pyz verify failed: {done.stdout}{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200k")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    random.seed(21)
    rows = []
    for size in args.sizes.split(","):
        n = parse_size(size)
        with tempfile.TemporaryDirectory(prefix="fairdraw-bench-") as tmp:
            directory = Path(tmp)
            print(f"writing a draw of {n:,} entries ...", file=sys.stderr, flush=True)
            roster_bytes = write_draw(n, directory)
            handler = functools.partial(QuietHandler, directory=str(directory))
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            try:
                url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
                print("  browser ...", file=sys.stderr, flush=True)
                browser = browser_runs(url, args.runs)
            finally:
                server.shutdown()
                server.server_close()
            print("  CLI ...", file=sys.stderr, flush=True)
            cli = cli_runs(directory, args.runs)
        rows.append((n, roster_bytes, browser, cli))
    version = subprocess.run(
        [chromium_path() or "chromium", "--version"], capture_output=True, text=True
    ).stdout.strip()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {version}")
    print(
        "| entries | roster (MB) | browser, median (s) | CLI fairdraw.pyz verify, median (s) "
        "| browser / CLI | runs |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for n, size, browser, cli in rows:
        b, c = statistics.median(browser), statistics.median(cli)
        print(f"| {n:,} | {size / 1e6:.1f} | {b:.2f} | {c:.2f} | {b / c:.2f} | {len(browser)} |")


if __name__ == "__main__":
    main()
