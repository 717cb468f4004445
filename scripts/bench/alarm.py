#!/usr/bin/env python3
"""Alarm latency: the last byte of a portal monitor's gamma alarm line written on a pseudo-terminal
→ the `radiation.alarm` frame read by a WebSocket client of /api/v1/live.

This process owns the pseudo-terminal (the hub's `port:` points at its link), plays vehicles that
alarm, and is the WebSocket client, so both instants are read on one clock. The hub stores the alarm
(SQLite, synchronous=FULL) before it pushes it, so a commit is inside every figure.
"""
import argparse
import base64
import json
import os
import socket
import struct
import sys
import time
import tty

sys.path.insert(0, os.path.dirname(__file__))
from gpsd_peer import gpsd_latency  # noqa: E402
from hubrun import REPO, Hub, machine, percentile, write_result  # noqa: E402


class LiveClient:
    """A minimal WebSocket client (RFC 6455): text frames in, nothing out but the handshake."""

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
        except socket.timeout:
            return None, None


def counts(code, value):
    return f"{code},{value:06d},{value:06d},{value:06d},{value:06d}\r\n".encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--out", default=os.path.join(REPO, "var", "bench", "alarm"))
    a = ap.parse_args()
    master, slave = os.openpty()
    tty.setraw(slave)
    os.makedirs(a.out, exist_ok=True)
    link = os.path.join(os.path.abspath(a.out), "rpm-link")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.ttyname(slave), link)
    hub = Hub(os.path.join(a.out, "hub"), f"  - {{id: rpm1, profile: rapiscan-rpm, lane: \"1\", port: {link}}}").start()
    try:
        live = LiveClient(hub.port, hub.token)
        deadline = time.time() + 60
        while hub.device("rpm1").get("state") != "online" and time.time() < deadline:
            os.write(master, counts("GB", 80))
            time.sleep(0.2)
        latencies, lost = [], []
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
            time.sleep(0.02)
        result = {
            "samples": len(latencies), "lost": len(lost), "lostSamples": lost,
            "p50Ms": round(percentile(latencies, 50), 3), "p90Ms": round(percentile(latencies, 90), 3),
            "p99Ms": round(percentile(latencies, 99), 3), "maxMs": round(max(latencies), 3),
            "minMs": round(min(latencies), 3), "machine": machine(),
        }
        # The peer in the same run: gpsd from a pty to its socket client (None when not installed).
        peer = gpsd_latency(a.samples, a.out)
        if peer and peer.get("samples"):
            result["gpsd"] = peer
            result["p99RatioToGpsd"] = round(result["p99Ms"] / max(peer["p99Ms"], 1e-6), 1)
        write_result("alarm", result)
        return 0 if not lost else 1
    finally:
        hub.stop()
        os.close(master)
        os.close(slave)


if __name__ == "__main__":
    sys.exit(main())
