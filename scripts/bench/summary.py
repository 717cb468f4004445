#!/usr/bin/env python3
"""Prints the latest benchmark results (var/bench/results/*.json) as the Markdown tables of
BENCHMARKS.md, against the targets of issue 9."""
import json
import os
import sys

folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "var", "bench", "results")


def load(name):
    path = os.path.join(folder, name + ".json")
    return json.load(open(path)) if os.path.exists(path) else None


def verdict(ok):
    return "met" if ok else "**missed**"


decode = load("decode")
if decode:
    print("| family | protocol | pipeline MB/s | pipeline frames/s | driver only MB/s | driver only frames/s |")
    print("|---|---|---:|---:|---:|---:|")
    for label, f in decode["families"].items():
        p, d = f["pipeline"], f["driverOnly"]
        print(f"| {label} | {f['protocol']} | {p['MBps']:.1f} | {p['framesPerSecond']:,} | {d['MBps']:.1f} | {d['framesPerSecond']:,} |")
    print()

nmea = load("nmea-vs-gpsdecode")
if nmea:
    n, g = nmea["niihub"], nmea["gpsdecode"]
    print(f"NMEA → JSON lines on {nmea['inputBytes'] / 1e6:.1f} MB (corpus × {nmea['copiesOfCorpus']}), best of {nmea['rounds']}:")
    print("| tool | CPU s | wall s | MB/s (CPU) | JSON lines |")
    print("|---|---:|---:|---:|---:|")
    print(f"| niihub decode | {n['bestCpuS']} | {n['bestWallS']} | {n['MBpsCpu']} | {n['jsonLines']:,} |")
    print(f"| gpsdecode --json | {g['bestCpuS']} | {g['bestWallS']} | {g['MBpsCpu']} | {g['jsonLines']:,} |")
    print(f"Ratio (CPU): {nmea['ratioCpu']}× (wall {nmea['ratioWall']}×); target ≥ 10×: {verdict(nmea['ratioCpu'] >= 10)}")
    print()

e2e = load("e2e")
if e2e:
    print(f"End to end, {e2e['units']:,} e-seals × {e2e['reportsPerUnit'] + 1} messages: "
          f"{e2e['messagesPerSecondSustained']:,} messages/s sustained ({e2e['messagesPerSecondOverall']:,} overall), "
          f"ack p50 {e2e['ackLatencyP50Ms']} ms, p99 {e2e['ackLatencyP99Ms']} ms"
          + (f" (p99 {e2e['ackLatencySustainedP99Ms']} ms while sustained; by tenth of the run "
             f"{', '.join(str(v) for v in e2e.get('ackLatencyP99MsByTenth') or [])} ms)"
             if e2e.get("ackLatencySustainedP99Ms") is not None else "")
          + (f"; {e2e['batchesHeldForStages']:,} batches held for correlation" if "batchesHeldForStages" in e2e else "")
          + "; "
          f"{e2e['eventsStored']:,} events stored, {e2e['transitDeviations']:,}/{e2e['declaredSeals']:,} declared seals correlated; "
          f"RSS per 10,000 connections {e2e['idleConnections']['rssPer10kConnectionsMB']} MB idle, "
          f"{e2e['rssPer10kConnectionsMB']} MB under load; hub CPU {e2e['hubCpuMicrosPerMessage']} µs/message"
          + (f", the simulator's {e2e['simulatorCpuMicrosPerMessage']} µs on the same two cores"
             if "simulatorCpuMicrosPerMessage" in e2e else "")
          + (f"; the hub read {e2e['hubBytesReadPerMessage']:,} and wrote {e2e['hubBytesWrittenPerMessage']:,} bytes per message"
             if "hubBytesWrittenPerMessage" in e2e else "")
          + ". "
          f"Target ≥ 50,000/s: {verdict(e2e['messagesPerSecondSustained'] >= 50_000)}")
    print()

loaded = load("alarm-under-load")
if loaded:
    print(f"Alarm latency while {loaded['sealLoadUnits']:,} e-seals report to the same hub "
          f"({loaded['eventsPerSecondMeanwhile']:,} events/s meanwhile), {loaded['samples']} alarms: "
          f"p50 {loaded['p50Ms']} ms, p90 {loaded['p90Ms']} ms, p99 {loaded['p99Ms']} ms")
    print()

alarm = load("alarm")
if alarm:
    print(f"Alarm latency (pty → WebSocket), {alarm['samples']} alarms: p50 {alarm['p50Ms']} ms, p99 {alarm['p99Ms']} ms, "
          f"max {alarm['maxMs']} ms. Target p99 ≤ 10 ms: {verdict(alarm['p99Ms'] <= 10)}")
    if alarm.get("gpsd"):
        g = alarm["gpsd"]
        print(f"Peer, same run: gpsd {g.get('version', '')} pty → socket client, {g['samples']} reports: p50 {g['p50Ms']} ms, "
              f"p99 {g['p99Ms']} ms; the hub's p99 is {alarm['p99RatioToGpsd']}× gpsd's (the hub commits each alarm first)")
    if alarm.get("diskSync"):
        d = alarm["diskSync"]
        print(f"The disk, same run: fdatasync of {d['bytes'] // 1024} KB (an alarm's commit) p50 {d['p50Ms']} ms, p99 {d['p99Ms']} ms, "
              f"max {d['maxMs']} ms: every alarm waits for one, gpsd for none")
    print()

link = load("link")
if link:
    print(f"Link latency against {link['declarations']:,} declarations and {link['events']:,} events: "
          f"new event store+link p50 {link['eventStoreAndLink']['p50Ms']:.3f} / p99 {link['eventStoreAndLink']['p99Ms']:.3f} ms "
          f"(link query p99 {link['eventLinkQuery']['p99Ms']:.3f} ms); new declaration save+link p99 "
          f"{link['declarationSaveAndLink']['p99Ms']:.3f} ms (link query p99 {link['declarationLinkQuery']['p99Ms']:.3f} ms); "
          f"wrong links {link['wrongLinks']}. Target link p99 ≤ 1 ms (query): "
          f"{verdict(max(link['eventLinkQuery']['p99Ms'], link['declarationLinkQuery']['p99Ms']) <= 1)}")
    print()

for name in sorted(f[:-5] for f in os.listdir(folder) if f.startswith("ingest-") and f.endswith(".json")):
    ingest = load(name)
    print(f"Ingest on {ingest['store']}:")
    print("| phase | events | events/s | commit p50 ms | commit p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for p in ingest["phases"]:
        print(f"| {p['name']} | {p['events']:,} | {p['eventsPerSecond']:,.0f} | {p['commitLatency']['p50Ms']:.2f} | {p['commitLatency']['p99Ms']:.2f} |")
    print()

attribution = load("attribution")
if attribution:
    a = attribution
    share = lambda k: 100.0 * a[k] / max(a["evidence"], 1)
    print(f"Lane attribution, {a['trucks']:,} trucks in {a['lanes']} lanes (seed {a['seed']}), {a['evidence']:,} reads and scans: "
          f"right {share('right'):.2f} %, ambiguous (flagged) {share('ambiguous'):.2f} %, unattributed {share('unattributed'):.2f} %, "
          f"wrong {a['wrong']}, alarms off their truck {a['misplacedAlarms']}; assembler {a['seconds']:.2f} s "
          f"(load {a['loadAverage']})")
    print()

units = load("e2e-units")
if units:
    print("Hub CPU per message by units reporting (the same messages spread over more seals):")
    print("| units | messages per unit | hub CPU µs/message | messages/s | ack p99 ms | load |")
    print("|---:|---:|---:|---:|---:|---|")
    for row in units["rows"]:
        print(f"| {row['units']:,} | {row['messagesPerUnit']} | {row['hubCpuMicrosPerMessage']} | "
              f"{row['messagesPerSecondSustained']:,} | {row['ackLatencyP99Ms']} | {' '.join(row['loadavg'])} |")
    print(f"Most / least: {units['spread']}×; flat (≤ 1.5×): {verdict(units['spread'] <= 1.5)}")
    print()

# Issue 19's targets against what this run measured.
rows = []
if nmea:
    rows.append(("NMEA → JSON vs gpsdecode (CPU)", f"{nmea['ratioCpu']}×", "≥ 5×", nmea["ratioCpu"] >= 5))
if e2e:
    rows.append(("10,000 seals, sustained messages/s", f"{e2e['messagesPerSecondSustained']:,}", "≥ 15,000",
                 e2e["messagesPerSecondSustained"] >= 15_000))
    rows.append(("10,000 seals, ack p99 (whole run)", f"{e2e['ackLatencyP99Ms']:,} ms", "≤ 1,000 ms", e2e["ackLatencyP99Ms"] <= 1000))
    if e2e.get("ackLatencySustainedP99Ms") is not None:
        # The acks read while every unit was dialled in and none had finished: the latency that goes
        # with the sustained rate above (the whole run adds the start, 10,000 first reports at once).
        rows.append(("10,000 seals, ack p99 while sustained", f"{e2e['ackLatencySustainedP99Ms']:,} ms", "≤ 1,000 ms",
                     e2e["ackLatencySustainedP99Ms"] <= 1000))
    rows.append(("hub CPU per message", f"{e2e['hubCpuMicrosPerMessage']} µs", "≤ 60 µs", e2e["hubCpuMicrosPerMessage"] <= 60))
    if e2e.get("idleConnections"):
        mb = e2e["idleConnections"]["rssPer10kConnectionsMB"]
        rows.append(("memory per 10,000 idle connections", f"{mb} MB", "≤ 100 MB", mb <= 100))
if alarm:
    rows.append(("alarm pty → WebSocket p99", f"{alarm['p99Ms']} ms", "≤ 2 ms", alarm["p99Ms"] <= 2))
if link:
    q = max(link["eventLinkQuery"]["p99Ms"], link["declarationLinkQuery"]["p99Ms"])
    rows.append(("link query p99 at 100k declarations / 1M events", f"{q:.3f} ms", "≤ 1 ms", q <= 1))
growth = load("growth")
if growth and len(growth["steps"]) >= 2:
    first, last = growth["steps"][0], growth["steps"][-1]
    ratio = last["commitLatency"]["p50Ms"] / max(first["commitLatency"]["p50Ms"], 1e-9)
    rows.append((f"commit p50 at {last['gigabytes']:.1f} GB vs {first['gigabytes']:.1f} GB (`make bench-growth`)",
                 f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5))
if rows:
    print("Issue 19's targets:")
    print("| measure | this run | target | |")
    print("|---|---:|---:|---|")
    for name, value, target, ok in rows:
        print(f"| {name} | {value} | {target} | {verdict(ok)} |")
    print()
