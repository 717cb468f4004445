#!/usr/bin/env python3
"""Device acks while someone guesses passwords: do 50 concurrent wrong logins slow the devices?

A hub (its own process, the real PBKDF2 cost of `niihub serve`) with one Teltonika listener.
`niisim teltonika` units report at a steady pace, each report waiting for its ack, which the hub
writes only once the report is stored; the simulator times every ack. Two phases on the same hub:

  alone  the units report, nothing else happens;
  flood  the same, while 50 clients each send wrong logins back to back (one in flight each, a
         fresh name every time, each client from its own loopback address unless --addresses says
         fewer, so the login limits never answer for the hash), and one real user logs in with the
         right password now and then.

Per phase: ack latency p50/p99/max, and for the flood the logins' answers (401 wrong, 503 busy,
429 throttled) and their latency. The login limits are raised for the run so that the throttle
does not cut the flood short: what is measured is the cost of the hashes themselves.
The hub's figures move with whatever else the machine runs: the load average is recorded.

    BIN=.build/debug python3 scripts/bench/login.py --label login-debug   # figures of a debug build
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from hubrun import REPO, Hub, binary, machine, percentile, write_result  # noqa: E402


def login(port, user, password, source="127.0.0.1", timeout=300):
    """(status, seconds) of one POST /api/v1/login sent from loopback address `source`."""
    body = json.dumps({"user": user, "password": password})
    t0 = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("POST", "/api/v1/login", body=body, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        status = r.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.monotonic() - t0


def fleet(bindir, port, units, reports, interval, out):
    """Runs the units to the end; returns the simulator's summary."""
    sim = subprocess.run(
        [binary("niisim", bindir), "teltonika", "--port", str(port), "--units", str(units), "--reports", str(reports),
         "--interval", str(interval), "--speed", "1", "--ack-timeout", "300", "--summary-json", out],
        capture_output=True, text=True)
    if sim.returncode != 0:
        sys.stderr.write(sim.stderr)
        raise SystemExit("niisim teltonika failed")
    s = json.load(open(out))
    return {"ackedReports": s["ackedReports"], "failed": s["failed"],
            "ackP50Ms": round(s["ackLatencyP50Ms"], 2), "ackP99Ms": round(s["ackLatencyP99Ms"], 2),
            "ackMaxMs": round(s["ackLatencyMaxMs"], 2), "seconds": round(s["seconds"], 1)}


def flood(port, clients, addresses, stop, answers, lock):
    """`clients` threads sending wrong logins back to back until `stop` is set, from `addresses`
    loopback addresses (127.0.0.10, .11, …): one each is a guessing botnet, one for all a script."""
    def client(c):
        n = 0
        while not stop.is_set():
            status, seconds = login(port, f"guess-{c}-{n}", "not-the-password", source=f"127.0.0.{10 + c % addresses}")
            n += 1
            with lock:
                answers.append((status, seconds))
    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in range(clients)]
    for t in threads:
        t.start()
    return threads


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50, help="concurrent wrong-login clients")
    ap.add_argument("--addresses", type=int, help="client addresses the clients share (default: one each)")
    ap.add_argument("--units", type=int, default=4, help="Teltonika units reporting")
    ap.add_argument("--reports", type=int, default=150, help="reports per unit in each phase")
    ap.add_argument("--interval", type=float, default=0.1, help="seconds between a unit's reports")
    ap.add_argument("--label", default="login", help="result name (e.g. login-before, login-after)")
    ap.add_argument("--out", default=os.path.join(REPO, "var", "bench", "login"))
    a = ap.parse_args()
    a.addresses = a.addresses or a.clients
    if not 1 <= a.clients <= 200 or not 1 <= a.addresses <= a.clients:
        raise SystemExit("--clients must be 1…200 and --addresses 1…--clients (127.0.0.10 onwards)")
    bindir = os.environ.get("BIN")
    limits = "login: {maxFailures: 1000, maxFailuresPerAddress: 1000, windowS: 60}\n"
    hub = Hub(os.path.join(a.out, "hub"), "  - {id: fleet, profile: teltonika-fmb, listen: \"127.0.0.1:0\"}",
              bindir=bindir, extra=limits).start()
    try:
        req = urllib.request.Request(
            f"http://127.0.0.1:{hub.port}/api/v1/users", method="POST",
            data=json.dumps({"user": "officer", "role": "operator", "password": "the-right-password"}).encode(),
            headers={"Authorization": f"Bearer {hub.token}", "Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=300).read()
        port = hub.listen_port("fleet")
        # What one login costs with nothing else running (the hash dominates).
        single = [login(hub.port, "nobody", "wrong")[1] for _ in range(3)]
        alone = fleet(bindir, port, a.units, a.reports, a.interval, os.path.join(a.out, "alone.json"))
        load_alone = open("/proc/loadavg").read().split()[:3]

        stop, lock, answers = threading.Event(), threading.Lock(), []
        threads = flood(hub.port, a.clients, a.addresses, stop, answers, lock)
        # Let the flood fill the hub's queue before the devices start.
        time.sleep(2)
        real = []

        def officer():
            while not stop.is_set():
                real.append(login(hub.port, "officer", "the-right-password"))
                stop.wait(3)
        o = threading.Thread(target=officer, daemon=True)
        o.start()
        flooded = fleet(bindir, port, a.units, a.reports, a.interval, os.path.join(a.out, "flood.json"))
        load_flood = open("/proc/loadavg").read().split()[:3]
        stop.set()
        for t in threads + [o]:
            t.join(timeout=600)
        counts = {}
        for status, _ in answers:
            counts[str(status)] = counts.get(str(status), 0) + 1
        wrong = [s for status, s in answers if status == 401]
        result = {
            "clients": a.clients, "addresses": a.addresses, "units": a.units, "reportsPerUnit": a.reports, "intervalS": a.interval,
            "oneLoginAloneS": round(min(single), 3),
            "alone": dict(alone, loadavg=load_alone),
            "flood": dict(flooded, loadavg=load_flood, loginAnswers=counts,
                          wrongLoginP50S=round(percentile(wrong, 50), 2) if wrong else None,
                          wrongLoginP99S=round(percentile(wrong, 99), 2) if wrong else None,
                          realLogins=[{"status": s, "seconds": round(t, 2)} for s, t in real]),
            "bin": bindir or os.path.join(REPO, ".build", "release"),
            "machine": machine(),
        }
        write_result(a.label, result, folder=a.out)
        return 0 if alone["failed"] == 0 and flooded["failed"] == 0 else 1
    finally:
        hub.stop()


if __name__ == "__main__":
    sys.exit(main())
