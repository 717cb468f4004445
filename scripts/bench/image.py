#!/usr/bin/env python3
"""A container scan from the scanner's folder to the analyst's screen, in headless Chromium.

A hub (release build, its own process) watches a container scanner's output folder. An analyst is
logged in on the review queue. The scanner adapter's files land: a 10,000 × 2,000 16-bit PGM top
view (40 MB of samples) and its scan result document, renamed into place as the adapter does. The
clock starts at the rename. Measured, per run:

  ingestMs      the rename → the scan.result event readable through the API (document read, image
                hashed and kept);
  firstTileMs   the rename → the viewer's first frame drawn from the hub's tiles (the hub decodes the
                image and builds its pyramid on the first request for it);
  fps           window/level frames per second in the browser: the width slider moved 40 times, each
                time waiting for the redraw of every visible tile.

The figures move with whatever else the machine runs: the load average is recorded with them.

    python3 scripts/bench/image.py                 # release build, 3 runs
    BIN=.build/debug python3 scripts/bench/image.py --runs 1
"""
import argparse
import hashlib
import json
import os
import sys
import time
import urllib.request

import numpy

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Browser"))
from hubrun import Hub, machine, write_result  # noqa: E402
from walk import browser  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

FRAMES = """const done = arguments[arguments.length - 1], c = document.querySelector('.viewer-canvas'), s = document.getElementById('wl-width');
  const start = +s.value; let n = 0; const t0 = performance.now();
  const step = () => {
    if (n === 40) { done(40000 / (performance.now() - t0)); return; }
    c.addEventListener('drawn', () => { n++; step(); }, {once: true});
    s.value = String(start + (n % 2 ? 1500 : -1500)); s.dispatchEvent(new Event('input'));
  };
  step();"""


def image(width, height, seed):
    """A top view: air, the container's walls, cargo with noise, a dense block; 16-bit PGM bytes."""
    rng = numpy.random.default_rng(seed)
    a = numpy.full((height, width), 52000, dtype=numpy.uint16)
    a[height // 10: height * 9 // 10, width // 40: width * 39 // 40] = 30000
    cargo = rng.normal(22000, 1500, (height * 6 // 10, width * 8 // 10)).clip(0, 65535).astype(numpy.uint16)
    a[height * 2 // 10: height * 8 // 10, width // 10: width * 9 // 10] = cargo
    a[height * 4 // 10: height * 6 // 10, width * 4 // 10: width * 5 // 10] = 9000
    return f"P5\n{width} {height}\n65535\n".encode() + a.astype(">u2").tobytes()


def post(hub, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{hub.port}{path}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {hub.token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def drop(folder, n, pgm):
    """The adapter's files: the image, then the document written aside and renamed into place."""
    sha = hashlib.sha256(pgm).hexdigest()
    name = f"bench-{n}-top.pgm"
    with open(os.path.join(folder, name), "wb") as f:
        f.write(pgm)
    doc = {"schema": "niihub.scan-result/1", "scanId": f"BENCH-{n}-{int(time.time())}", "scanner": {"id": "xr-bench", "technology": "x-ray"},
           "lane": "1", "startedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "containers": ["MSKU9070323"],
           "images": [{"name": name, "sha256": sha, "format": "other", "view": "top"}], "atd": {"result": "clear"}}
    tmp = os.path.join(folder, f"bench-{n}.json.tmp")
    with open(tmp, "w") as f:
        json.dump(doc, f)
    started = time.monotonic()
    os.rename(tmp, os.path.join(folder, f"bench-{n}.json"))
    return doc["scanId"], started


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--width", type=int, default=10000)
    p.add_argument("--height", type=int, default=2000)
    p.add_argument("--out", default="var/bench/image")
    a = p.parse_args()
    hub = Hub(os.path.join(a.out, "hub"), '  - {id: xr-bench, profile: container-scanner, lane: "1", folder: scans}').start()
    folder = os.path.join(hub.workdir, "scans")
    post(hub, "/api/v1/users", {"user": "bench", "role": "analyst", "password": "bench-analyst-2026"})
    driver = browser()
    runs = []
    try:
        wait = WebDriverWait(driver, 300, poll_frequency=0.01)
        driver.get(f"http://127.0.0.1:{hub.port}/analysis#review")
        wait.until(EC.visibility_of_element_located((By.ID, "login-user")))
        driver.find_element(By.ID, "login-user").send_keys("bench")
        driver.find_element(By.ID, "login-password").send_keys("bench-analyst-2026")
        driver.find_element(By.ID, "login-submit").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "who"), "bench"))
        while not os.path.isdir(folder):  # the hub makes the folder it watches
            time.sleep(0.05)
        for n in range(a.runs):
            pgm = image(a.width, a.height, seed=n)
            scan_id, started = drop(folder, n, pgm)
            event = None
            while event is None:
                found = [e for e in hub.get("/api/v1/events?kind=scan.result&order=desc&limit=5")["events"]
                         if (e.get("data") or {}).get("scanId") == scan_id and (e.get("data") or {}).get("imagesStored")]
                event = found[0]["id"] if found else None
                if event is None:
                    time.sleep(0.01)
            ingest = time.monotonic() - started
            driver.get(f"http://127.0.0.1:{hub.port}/analysis#review/{event}")
            wait.until(lambda d: d.execute_script("const c = document.querySelector('.viewer-canvas'); return c && c.dataset.drawn"))
            first = time.monotonic() - started
            fps = driver.execute_async_script(FRAMES)
            runs.append({"ingestMs": round(ingest * 1000), "firstTileMs": round(first * 1000), "fps": round(fps, 1)})
            print(json.dumps(runs[-1]), flush=True)
            driver.get(f"http://127.0.0.1:{hub.port}/analysis#review")
    finally:
        driver.quit()
        hub.stop()
    write_result("image", {"width": a.width, "height": a.height, "runs": runs, "machine": machine()})


if __name__ == "__main__":
    main()
