#!/usr/bin/env python3
"""`niihub decode` of every corpus file by two builds, compared line by line except the event id and
receivedAt (which differ by run, as does observedAt where it is the receive time). Used to show a refactoring leaves the decode contract byte-identical:

  python3 scripts/decode-diff.py OLD/niihub NEW/niihub [--shared ../shared]

Exit 0 when every file gives the same bytes; otherwise prints the first differing lines per file."""
import argparse, json, os, re, subprocess, sys, tempfile

STRIP = re.compile(rb'"id":"[0-9A-Z]{26}",|"receivedAt":"[^"]*",')
RECEIVED = re.compile(rb'"receivedAt":"([^"]*)"')


def stable(line):
    """The line without its id and receive time, and without observedAt when it is the receive time
    (events of devices with no clock of their own)."""
    m = RECEIVED.search(line)
    if m:
        line = line.replace(b'"observedAt":"' + m.group(1) + b'",', b"")
    return STRIP.sub(b"", line)


def inputs(shared, tmp):
    corpus = os.path.join(shared, "corpus")
    for name in sorted(os.listdir(os.path.join(corpus, "nmea"))):
        if not name.startswith("LICENSE"):
            yield "nmea", os.path.join(corpus, "nmea", name)
    for name in sorted(os.listdir(os.path.join(corpus, "n42"))):
        if name.lower().endswith((".n42", ".xml")):
            yield "n42", os.path.join(corpus, "n42", name)
    for name in sorted(os.listdir(os.path.join(corpus, "rpm"))):
        if name.endswith(".csv"):
            yield "rpm", os.path.join(corpus, "rpm", name)
    for proto, name in (("gt06", "gt06-frames.jsonl"), ("teltonika", "teltonika-codec8-frames.jsonl")):
        rows = [json.loads(l) for l in open(os.path.join(corpus, "tracker", name)) if l.strip()]
        path = os.path.join(tmp, proto + ".hex")
        with open(path, "w") as f:
            f.write("".join(r["hex"] + "\n" for r in rows))
        yield proto, path


def decode(hub, proto, path):
    p = subprocess.run([hub, "decode", "--protocol", proto, path], capture_output=True, timeout=600)
    return p.returncode, [stable(l) for l in p.stdout.splitlines()], p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    o = ap.parse_args()
    bad = 0
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for proto, path in inputs(o.shared, tmp):
            a, b = decode(o.old, proto, path), decode(o.new, proto, path)
            total += len(b[1])
            same = a[0] == b[0] and a[1] == b[1] and a[2] == b[2]
            print(f"{'same' if same else 'DIFF'}  {proto:9} {len(b[1]):7} events  {os.path.basename(path)}")
            if not same:
                bad += 1
                for x, y in zip(a[1] + [b""] * len(b[1]), b[1] + [b""] * len(a[1])):
                    if x != y:
                        print("  old:", x[:400].decode(errors="replace"))
                        print("  new:", y[:400].decode(errors="replace"))
                        break
                if a[2] != b[2]:
                    print("  stderr differs:", a[2][-300:], b[2][-300:])
    print(f"{total} events; {bad} file(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
