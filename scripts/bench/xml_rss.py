#!/usr/bin/env python3
"""Memory over many malformed XML documents: the N42 reader must not grow with the number of bad
documents it has read (FoundationXML's XMLParser leaked about 5 KiB per malformed document).

Runs `niihub bench-decode --protocol n42 --driver-only` on one malformed N42 document (an undeclared
prefix, then cut off inside a measurement: the path that was parsed three times), --repeat N times in
one process (each repeat is a new driver and one decode), for a short and a long run, and prints the
peak RSS of each and the growth per document between them.

    python3 scripts/bench/xml_rss.py [--hub .build/debug/niihub] [--documents 100000]
"""
import argparse
import os
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

MALFORMED = """<?xml version="1.0" encoding="UTF-8"?>
<RadInstrumentData xmlns="http://physics.nist.gov/N42/2011/N42" n42DocUUID="x">
 <RadInstrumentInformation id="i1"><RadInstrumentManufacturerName>Acme</RadInstrumentManufacturerName>
  <DHS:Extension>vendor data under a prefix nobody declared</DHS:Extension>
 </RadInstrumentInformation>
 <RadMeasurement id="m1"><MeasurementClassCode>Foreground</MeasurementClassCode>
  <StartDateTime>2026-01-31T08:00:00Z</StartDateTime><RealTimeDuration>PT2S</RealTimeDuration>
  <Spectrum id="s1"><LiveTimeDuration>PT1.9S</LiveTimeDuration><ChannelData>1 2 3 4 5 6 7 8</ChannelData
"""


def peak_rss_kib(hub, path, repeat):
    """Peak RSS (KiB) of one bench-decode child, alone in its process."""
    pid = os.fork()
    if pid == 0:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            os.execv(hub, [hub, "bench-decode", "--protocol", "n42", "--driver-only", "--repeat", str(repeat), path])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench-decode --repeat {repeat} failed ({status})")
    return usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hub", default=os.path.join(REPO, ".build", "debug", "niihub"))
    ap.add_argument("--documents", type=int, default=100_000)
    ap.add_argument("--baseline", type=int, default=1_000)
    ap.add_argument("--max-bytes-per-document", type=float, default=64.0,
                    help="fail when RSS grows more than this per document between the two runs")
    o = ap.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".n42", delete=False) as f:
        f.write(MALFORMED)
        path = f.name
    try:
        short = peak_rss_kib(o.hub, path, o.baseline)
        long = peak_rss_kib(o.hub, path, o.documents)
    finally:
        os.unlink(path)
    per_doc = (long - short) * 1024 / max(o.documents - o.baseline, 1)
    print(f"n42 malformed documents: peak RSS {short / 1024:.1f} MiB after {o.baseline:,}, "
          f"{long / 1024:.1f} MiB after {o.documents:,}: {per_doc:.1f} bytes per document")
    if per_doc > o.max_bytes_per_document:
        print(f"FAIL: more than {o.max_bytes_per_document} bytes per document", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
