"""The peer of the alarm benchmark: gpsd itself, from the last byte of an NMEA sentence written on a
pseudo-terminal to the TPV report read by a client of its socket, on the same clock and machine.

gpsd (`gpsd -N -n -b`, foreground, read-only on the device) watches the pty; a client sends
`?WATCH={"enable":true,"json":true}`; each RMC sentence carries a new second, and the sample is the
time until the TPV of that second arrives. gpsd stores nothing, so this is the floor a hub that also
commits each alarm before it pushes it is compared with.
"""
import datetime
import json
import os
import select
import shutil
import socket
import subprocess
import time
import tty

from hubrun import percentile


def sentence(body):
    check = 0
    for ch in body.encode():
        check ^= ch
    return f"${body}*{check:02X}\r\n".encode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gpsd_latency(samples, logdir):
    """p50/p90/p99 in ms over `samples` reports, or None when gpsd is not installed."""
    gpsd = shutil.which("gpsd") or ("/usr/sbin/gpsd" if os.path.exists("/usr/sbin/gpsd") else None)
    if not gpsd:
        return None
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    port = free_port()
    log = open(os.path.join(logdir, "gpsd.log"), "w")
    proc = subprocess.Popen([gpsd, "-N", "-n", "-b", "-S", str(port), os.ttyname(slave)], stderr=log, stdout=log)
    try:
        deadline = time.time() + 20
        while True:
            try:
                client = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise SystemExit(f"gpsd did not start; see {logdir}/gpsd.log")
                time.sleep(0.1)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.sendall(b'?WATCH={"enable":true,"json":true}\n')
        buf, latencies, lost = b"", [], 0
        start = datetime.datetime(2026, 12, 5, 10, 0, 0)
        warmup = 10  # gpsd learns which sentence ends a cycle from the first few
        for i in range(samples + warmup):
            t = start + datetime.timedelta(seconds=i)
            line = sentence(f"GPRMC,{t:%H%M%S}.00,A,1048.000,N,10642.600,E,10.0,90.0,{t:%d%m%y},,,A")
            os.write(master, line[:-1])
            t0 = time.perf_counter()
            os.write(master, line[-1:])
            want, got = f"{t:%Y-%m-%dT%H:%M:%S}", None
            while got is None:
                left = t0 + 2.0 - time.perf_counter()
                if left <= 0 or not select.select([client], [], [], left)[0]:
                    break
                chunk = client.recv(65536)
                at = time.perf_counter()
                if not chunk:
                    break
                buf += chunk
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    try:
                        report = json.loads(raw)
                    except ValueError:
                        continue
                    if report.get("class") == "TPV" and str(report.get("time", "")).startswith(want):
                        got = at
            if i >= warmup:
                if got is None:
                    lost += 1
                else:
                    latencies.append((got - t0) * 1000)
            time.sleep(0.02)
        client.close()
        if not latencies:
            return {"samples": 0, "lost": lost}
        return {"samples": len(latencies), "lost": lost, "p50Ms": round(percentile(latencies, 50), 3),
                "p90Ms": round(percentile(latencies, 90), 3), "p99Ms": round(percentile(latencies, 99), 3),
                "maxMs": round(max(latencies), 3), "version": subprocess.run(
                    [gpsd, "-V"], capture_output=True, text=True).stdout.strip()}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)
        os.close(slave)
