#!/usr/bin/env python3
"""Decoder throughput per family (`niihub bench-decode`, in process) and NMEA decoding to JSON lines
against gpsd's `gpsdecode` on the same file in the same run.

Inputs: the captured corpora under ../shared/corpus where they exist (read in place; binary
captures are turned into the hex-line form `niihub decode` takes, under var/bench/inputs), and
simulator output for the families without a capture (OCR and scan results from `niisim`; ASCII
e-seal reports generated here, as the seals write them).
"""
import argparse
import glob
import json
import os
import random
import re
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubrun import REPO, binary, machine, write_result  # noqa: E402

SHARED = os.environ.get("NIIHUB_SHARED") or os.path.join(REPO, "..", "shared")
CORPUS = os.path.join(SHARED, "corpus")
INPUTS = os.path.join(REPO, "var", "bench", "inputs")


def corpus(*patterns):
    files = sorted(f for p in patterns for f in glob.glob(os.path.join(CORPUS, p)))
    if not files:
        raise SystemExit(f"no corpus files for {patterns} under {CORPUS}")
    return files


def hex_lines(name):
    """The tracker corpus (JSON lines with a `hex` member) as one hex frame per line."""
    out = os.path.join(INPUTS, name + ".hex")
    with open(os.path.join(CORPUS, "tracker", name + "-frames.jsonl")) as src, open(out, "w") as dst:
        for line in src:
            if line.strip():
                dst.write(json.loads(line)["hex"] + "\n")
    return [out]


def niisim(args, stdout=None):
    subprocess.run([binary("niisim")] + args, check=True, stdout=stdout, stderr=subprocess.DEVNULL)


def ocr_feed(vehicles):
    out = os.path.join(INPUTS, "ocr.txt")
    with open(out, "wb") as f:
        niisim(["ocr", "--stdout", "--vehicles", str(vehicles), "--every", "1", "--speed", "1000000", "--seed", "7"],
               stdout=f)
    return [out]


def scan_documents(count):
    folder = os.path.join(INPUTS, "scan")
    if os.path.isdir(folder):
        for f in glob.glob(os.path.join(folder, "**", "*"), recursive=True):
            if os.path.isfile(f):
                os.remove(f)
    os.makedirs(folder, exist_ok=True)
    niisim(["scan", "--folder", folder, "--count", str(count), "--every", "1", "--speed", "1000000", "--seed", "7"])
    return sorted(glob.glob(os.path.join(folder, "*.json")))


def eseal_feed(reports):
    """ASCII e-seal reports as 200 seals send them: positions, a few alarms, CR LF."""
    out = os.path.join(INPUTS, "eseal.txt")
    rng = random.Random(7)
    t = time.gmtime(1_790_000_000)
    with open(out, "w", newline="") as f:
        for i in range(reports):
            seal = f"SEAL{i % 200:08d}"
            event = "POS" if rng.random() > 0.02 else rng.choice(["DOOR", "CUT", "TAMPER"])
            stamp = time.strftime("%Y%m%d%H%M%S", t)
            f.write(f"##S,eSeal,{seal},{i // 200 + 1},{event},{stamp},{10.76 + rng.random() / 10:.6f},"
                    f"{106.2 + rng.random() / 2:.6f},{rng.randint(20, 99)},E##\r\n")
    return [out]


# Family → (protocol, input maker, repeat): repeats bring every family to a few MB per run.
FAMILIES = [
    ("RPM", "rpm", lambda: corpus("rpm/*.csv"), 20),
    ("NMEA", "nmea", lambda: corpus("nmea/*.log"), 200),
    ("GT06", "gt06", lambda: hex_lines("gt06"), 200),
    ("Teltonika", "teltonika", lambda: hex_lines("teltonika-codec8"), 200),
    ("e-seal", "eseal", lambda: eseal_feed(50_000), 2),
    ("N42", "n42", lambda: corpus("n42/*.n42", "n42/*.N42", "n42/*.xml"), 5),
    ("scan result", "scan", lambda: scan_documents(300), 10),
    ("OCR", "ocr", lambda: ocr_feed(20_000), 5),
]

LINE = re.compile(r"([\d.]+) MB, (\d+) frames, (\d+) \w+ in ([\d.]+) s: ([\d.]+) MB/s, (\d+) frames/s "
                  r"\(CPU ([\d.]+) s: ([\d.]+) MB/s, (\d+) frames/s\)")


def bench_decode(protocol, files, repeat, driver_only):
    args = [binary("niihub"), "bench-decode", "--protocol", protocol, "--repeat", str(repeat)]
    if driver_only:
        args.append("--driver-only")
    out = subprocess.run(args + files, check=True, capture_output=True, text=True).stdout
    m = LINE.search(out)
    if not m:
        raise SystemExit(f"unexpected bench-decode output: {out}")
    # The CPU-time figures are the ones reported: the machine is shared, and a decoder runs on one core.
    return {"MB": float(m.group(1)), "frames": int(m.group(2)), "outputs": int(m.group(3)), "wallSeconds": float(m.group(4)),
            "MBpsWall": float(m.group(5)), "framesPerSecondWall": int(m.group(6)), "cpuSeconds": float(m.group(7)),
            "MBps": float(m.group(8)), "framesPerSecond": int(m.group(9))}


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, stdin_path, stdout_path):
    """Wall and CPU seconds of one run of `cmd`, and the lines it wrote."""
    cpu0, t0 = children_cpu(), time.perf_counter()
    with open(stdin_path, "rb") as i, open(stdout_path, "wb") as o:
        subprocess.run(cmd, stdin=i, stdout=o, stderr=subprocess.DEVNULL, check=True)
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    with open(stdout_path, "rb") as o:
        lines = sum(1 for _ in o)
    return wall, cpu, lines


def nmea_vs_gpsdecode(copies, rounds):
    """The NMEA corpus concatenated `copies` times; both tools read it from stdin and write JSON lines."""
    src = os.path.join(INPUTS, "nmea-corpus-x%d.log" % copies)
    files = corpus("nmea/*.log")
    with open(src, "wb") as out:
        for _ in range(copies):
            for f in files:
                with open(f, "rb") as i:
                    out.write(i.read())
    size = os.path.getsize(src)
    gpsdecode = "/usr/bin/gpsdecode"
    if not os.access(gpsdecode, os.X_OK):
        raise SystemExit("gpsdecode is missing: install gpsd-clients (make bench does)")
    tools = {
        "niihub": [binary("niihub"), "decode", "--protocol", "nmea", "-"],
        "gpsdecode": [gpsdecode, "--json"],
    }
    runs = {name: [] for name in tools}
    for _ in range(rounds):  # interleaved, so both see the same machine load
        for name, cmd in tools.items():
            runs[name].append(timed(cmd, src, os.path.join(INPUTS, f"nmea-{name}.jsonl")))
    result = {"inputBytes": size, "copiesOfCorpus": copies, "rounds": rounds}
    for name, rs in runs.items():
        best_wall = min(r[0] for r in rs)
        best_cpu = min(r[1] for r in rs)
        result[name] = {"bestWallS": round(best_wall, 4), "bestCpuS": round(best_cpu, 4), "jsonLines": rs[0][2],
                        "MBpsWall": round(size / 1e6 / best_wall, 1), "MBpsCpu": round(size / 1e6 / best_cpu, 1)}
    result["ratioCpu"] = round(result["gpsdecode"]["bestCpuS"] / result["niihub"]["bestCpuS"], 2)
    result["ratioWall"] = round(result["gpsdecode"]["bestWallS"] / result["niihub"]["bestWallS"], 2)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="tiny inputs and one repeat: checks the bench runs")
    ap.add_argument("--only", help="comma-separated families (protocol names)")
    a = ap.parse_args()
    os.makedirs(INPUTS, exist_ok=True)
    only = set(a.only.split(",")) if a.only else None
    families = {}
    for label, protocol, make, repeat in FAMILIES:
        if only and protocol not in only:
            continue
        files = make()
        full = bench_decode(protocol, files, 1 if a.quick else repeat, False)
        driver = bench_decode(protocol, files, 1 if a.quick else repeat, True)
        families[label] = {"protocol": protocol, "files": len(files), "pipeline": full, "driverOnly": driver}
        print(f"{label:12s} pipeline {full['MBps']:8.1f} MB/s {full['framesPerSecond']:>10} frames/s   "
              f"driver only {driver['MBps']:8.1f} MB/s {driver['framesPerSecond']:>10} frames/s", flush=True)
    write_result("decode", {"families": families, "machine": machine()})
    if not only or "nmea" in only:
        cmp = nmea_vs_gpsdecode(2 if a.quick else 200, 1 if a.quick else 3)
        print(f"NMEA → JSON lines, {cmp['inputBytes'] / 1e6:.1f} MB: niihub {cmp['niihub']['MBpsCpu']} MB/s CPU, "
              f"gpsdecode {cmp['gpsdecode']['MBpsCpu']} MB/s CPU: ratio {cmp['ratioCpu']}x (wall {cmp['ratioWall']}x)")
        write_result("nmea-vs-gpsdecode", cmp)


if __name__ == "__main__":
    main()
