#!/usr/bin/env python3
"""Alarm latency: the last byte of a portal monitor's gamma alarm line written on a pseudo-terminal
→ the `radiation.alarm` frame read by a WebSocket client of /api/v1/live.

This process owns the pseudo-terminal (the hub's `port:` points at its link), plays vehicles that
alarm, and is the WebSocket client, so both instants are read on one clock. The hub stores the alarm
(SQLite, synchronous=FULL) before it pushes it, so a commit is inside every figure.

The disk's own share is measured in the same run: after each alarm, 48 KB (what an alarm's commit
appends to the log: a dozen pages) are written to a file beside the hub's store and `fdatasync`ed, so
the figure next to the hub's is the sync every alarm must wait for, on the same disk at the same time.

`--seal-load UNITS` measures the same while that many simulated e-seals report to the same hub as fast
as their acks come back (`niisim eseal`, as in e2e.py): an operator's alarm behind a busy store.
"""
import argparse
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import time
import tty

sys.path.insert(0, os.path.dirname(__file__))
from gpsd_peer import gpsd_latency  # noqa: E402
from hubrun import REPO, Hub, binary, machine, percentile, write_result  # noqa: E402


class LiveClient:
    """A minimal WebSocket client (RFC 6455): text frames in, nothing out but the handshake and pongs."""

    def __init__(self, port, token):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET /api/v1/live?token={token} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise SystemExit(f"WebSocket upgrade refused: {head[:200]!r}")

    def _pong(self, payload):
        """Answers the hub's ping (it closes a client that leaves one unanswered); client frames are masked."""
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)

    def _recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise SystemExit("the hub closed the WebSocket")
        return chunk

    def _need(self, n):
        while len(self.buf) < n:
            self.buf += self._recv()

    def message(self, timeout):
        """The next text message as JSON and the instant its last byte was read, or (None, None)."""
        self.sock.settimeout(timeout)
        try:
            parts = []
            while True:
                self._need(2)
                b0, b1 = self.buf[0], self.buf[1]
                n, off = b1 & 0x7F, 2
                if n == 126:
                    self._need(4)
                    n, off = struct.unpack(">H", self.buf[2:4])[0], 4
                elif n == 127:
                    self._need(10)
                    n, off = struct.unpack(">Q", self.buf[2:10])[0], 10
                self._need(off + n)
                payload, self.buf = self.buf[off:off + n], self.buf[off + n:]
                at = time.perf_counter()
                opcode = b0 & 0x0F
                if opcode in (1, 0):
                    parts.append(payload)
                    if b0 & 0x80:
                        return json.loads(b"".join(parts)), at
                elif opcode == 8:
                    raise SystemExit("the hub closed the WebSocket")
                elif opcode == 9:
                    self._pong(payload)
        except socket.timeout:
            return None, None


class DiskSync:
    """48 KB written over the same place of a file beside the store, then `fdatasync`: an alarm's commit."""

    SIZE = 48 * 1024

    def __init__(self, folder):
        self.path = os.path.join(folder, "sync-probe")
        self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        self.block = os.urandom(self.SIZE)
        os.pwrite(self.fd, self.block, 0)
        os.fsync(self.fd)
        self.latencies = []

    def sample(self):
        os.pwrite(self.fd, self.block, 0)
        t0 = time.perf_counter()
        os.fdatasync(self.fd)
        self.latencies.append((time.perf_counter() - t0) * 1000)

    def close(self):
        os.close(self.fd)
        os.remove(self.path)


def counts(code, value):
    return f"{code},{value:06d},{value:06d},{value:06d},{value:06d}\r\n".encode()


def start_seal_load(hub, units):
    """`units` e-seals reporting without pause; returns once all are connected and events flow."""
    port = hub.listen_port("seals")
    load = subprocess.Popen(
        [binary("niisim"), "eseal", "--port", str(port), "--units", str(units), "--reports", "1000000",
         "--interval", "1", "--speed", "100000", "--concurrency", "500", "--ack-timeout", "120"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and load.poll() is None:
        if int(hub.device("seals").get("connections") or 0) >= units:
            break
        time.sleep(0.5)
    before = hub.events_total()
    time.sleep(2)
    if load.poll() is not None or hub.events_total() <= before:
        raise SystemExit("the seal load did not start")
    return load


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--out", default=os.path.join(REPO, "var", "bench", "alarm"))
    ap.add_argument("--seal-load", type=int, default=0, help="e-seals reporting to the same hub meanwhile")
    ap.add_argument("--name", default=None, help="result file name (alarm, or alarm-under-load with --seal-load)")
    a = ap.parse_args()
    master, slave = os.openpty()
    tty.setraw(slave)
    os.makedirs(a.out, exist_ok=True)
    link = os.path.join(os.path.abspath(a.out), "rpm-link")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.ttyname(slave), link)
    devices = f"  - {{id: rpm1, profile: rapiscan-rpm, lane: \"1\", port: {link}}}"
    if a.seal_load:
        devices += "\n  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}"
    hub = Hub(os.path.join(a.out, "hub"), devices).start()
    load = None
    try:
        live = LiveClient(hub.port, hub.token)
        deadline = time.time() + 60
        while hub.device("rpm1").get("state") != "online" and time.time() < deadline:
            os.write(master, counts("GB", 80))
            time.sleep(0.2)
        if a.seal_load:
            load = start_seal_load(hub, a.seal_load)
        events_before, started = hub.events_total(), time.time()
        latencies, lost = [], []
        disk = DiskSync(os.path.join(a.out, "hub"))
        for i in range(a.samples):
            for _ in range(3):
                os.write(master, counts("GS", 60))
            line = counts("GA", 400)
            os.write(master, line[:-1])
            t0 = time.perf_counter()
            os.write(master, line[-1:])
            while True:
                msg, at = live.message(timeout=5)
                if msg is None:
                    lost.append(i)
                    break
                event = msg.get("event") or {}
                if msg.get("type") == "event" and event.get("kind") == "radiation.alarm":
                    latencies.append((at - t0) * 1000)
                    break
            # Close the occupancy and take its (alarm-severity) occupancy event off the socket.
            os.write(master, f"GX,{i + 1:06d},000040,000000,000000\r\n".encode())
            while True:
                msg, _ = live.message(timeout=5)
                if msg is None or (msg.get("event") or {}).get("kind") == "radiation.occupancy":
                    break
            disk.sample()
            time.sleep(0.02)
        seal_rate = (hub.events_total() - events_before) / (time.time() - started) if a.seal_load else None
        if load:
            load.terminate()
            load.wait()
        result = {
            "sealLoadUnits": a.seal_load, "eventsPerSecondMeanwhile": round(seal_rate) if seal_rate else None,
            "samples": len(latencies), "lost": len(lost), "lostSamples": lost,
            "p50Ms": round(percentile(latencies, 50), 3), "p90Ms": round(percentile(latencies, 90), 3),
            "p99Ms": round(percentile(latencies, 99), 3), "maxMs": round(max(latencies), 3),
            "minMs": round(min(latencies), 3), "machine": machine(),
            "diskSync": {"bytes": DiskSync.SIZE, "p50Ms": round(percentile(disk.latencies, 50), 3),
                         "p99Ms": round(percentile(disk.latencies, 99), 3), "maxMs": round(max(disk.latencies), 3)},
        }
        disk.close()
        # The peer in the same run: gpsd from a pty to its socket client (None when not installed).
        peer = None if a.seal_load else gpsd_latency(a.samples, a.out)
        if peer and peer.get("samples"):
            result["gpsd"] = peer
            result["p99RatioToGpsd"] = round(result["p99Ms"] / max(peer["p99Ms"], 1e-6), 1)
        write_result(a.name or ("alarm-under-load" if a.seal_load else "alarm"), result)
        return 0 if not lost else 1
    finally:
        if load and load.poll() is None:
            load.kill()
        hub.stop()
        os.close(master)
        os.close(slave)


if __name__ == "__main__":
    sys.exit(main())
