import Foundation
import HubDrivers
import HubModel
import HubSimulation

/// The lane's devices a scenario drives: gate camera and portal monitor (streams), scanner and
/// radiation instrument (result files, or the scanner's HTTP post).
extension ScenarioPlayer {
    /// Plans a truck on its lane (see `PortalLane`): the camera's reads when it passes the camera,
    /// the scan with them, the portal's lines for its occupancy after the truck ahead has left. The
    /// writes are played by `playLane(until:)` among the timeline's other steps.
    func truck(_ t: Scenario.Truck, at: Double, faults: FaultOptions?, burst: Bool) {
        if portal == nil { portal = PortalLane(seed: nextSeed()) }
        let plan = portal!.plan(t, at: at)
        let n = plan.number, lane = t.lane ?? "1"
        if let faults { laneFaults[n] = faults }
        laneInjectors["\(n)/ocr"] = injector(faults, .ocr)
        laneInjectors["\(n)/rpm"] = injector(faults, .rpm)
        let missed = Set(t.missed ?? [])
        if !missed.contains("containers") {
            for c in t.containers ?? [] {
                let text = t.misread?[c] ?? c
                let confidences = zip(c, text).map { $0 == $1 ? 96.0 : 45.0 } + Array(repeating: 96.0, count: max(0, text.count - c.count))
                schedule(plan.cameraAt, n, lane, .read(.container, text: text, confidences: confidences, position: "rear"))
            }
        }
        if let plate = t.plate, !missed.contains("plate") {
            schedule(plan.cameraAt, n, lane, .read(.plate, text: plate, confidences: nil, position: "front"))
            // The second frame of the same plate, the truck still before the portal.
            if t.doubleRead == true { schedule(plan.cameraAt + 1, n, lane, .read(.plate, text: plate, confidences: nil, position: "front")) }
        }
        if let result = t.scan {
            schedule(plan.cameraAt, n, lane, .scan(Scenario.ScanStep(lane: t.lane, containers: t.containers, plate: t.plate, suspect: result == "suspect")))
        }
        // Unplugged midway: the lines from a third of the way before its end on (GX among them) never come.
        var lines = plan.lines
        if t.unplugMidway != nil, let first = lines.firstIndex(where: { $0.truck == n }) {
            lines = Array(lines[..<(first + (lines.count - first) * 2 / 3)])
        }
        for l in lines { schedule(burst ? plan.entryAt : l.at, n, lane, .portal(l.line, vehicle: l.truck != nil)) }
        if let name = t.unplugMidway { schedule(lines.last?.at ?? plan.entryAt, n, lane, .unplug(name)) }
        note(String(format: "truck %d (lane %@): camera at %.1fs%@, in the portal %.1f–%.1fs", n, lane, plan.cameraAt,
                    plan.heldBack ? " (behind the truck ahead)" : "", plan.entryAt, plan.exitAt))
    }

    private func schedule(_ at: Double, _ truck: Int, _ lane: String, _ what: LaneAction.What) {
        laneOrder += 1
        pending.append(LaneAction(at: at, order: laneOrder, truck: truck, lane: lane, what: what))
    }

    /// Writes the planned lane writes due by scenario second `t`, each at its time.
    func playLane(until t: Double) async throws {
        pending.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        while let a = pending.first, a.at <= t {
            pending.removeFirst()
            try await pacer.wait(until: a.at)
            try await perform(a)
        }
    }

    private func perform(_ a: LaneAction) async throws {
        let faults = laneFaults[a.truck], key = String(a.truck)
        switch a.what {
        case .read(let kind, let text, let confidences, let position):
            guard let camera = outputs["ocr"] else { return }
            let reading = OCRReading(
                lane: a.lane, observedAt: Date().addingTimeInterval(faults?.clockSkew ?? 0), kind: kind, text: text,
                confidence: confidences?.min() ?? (kind == .plate ? 95 : 96), position: position, characterConfidences: confidences)
            camera.write(Self.damage(OCRLine.encode(reading), &laneInjectors[key + "/ocr"]))
            trace.record(["t": a.at, "device": "ocr", "truck": a.truck, "kind": kind == .plate ? "plate" : "container", "text": text])
        case .portal(let line, let vehicle):
            guard let portal = outputs["rpm"] else { return }
            portal.write(Self.damage(line.encoded(), &laneInjectors[key + "/rpm"]))
            // The empty-lane lines before a truck are no truck's.
            var record: [String: Any] = ["t": a.at, "device": "rpm", "line": ([line.code] + line.fields).joined(separator: ",")]
            if vehicle { record["truck"] = a.truck }
            trace.record(record)
        case .scan(let s):
            try await scan(s, faults: faults)
        case .unplug(let name):
            unplug(name)
        }
    }

    /// One scan: its images and document into the scanner's folder, or posted over HTTP.
    func scan(_ s: Scenario.ScanStep, faults: FaultOptions?) async throws {
        let name = s.device ?? "scanner"
        let id = "SCN-\(runID)-\(nextFile())"
        // The result is written when the scan is over: it started its 35 s before.
        let at = Date().addingTimeInterval((faults?.clockSkew ?? 0) - 35)
        let scan = ScanSimulatorCommand.scan(
            id: id, scanner: "scanner-\(name)", lane: s.lane, at: at, containers: s.containers ?? [], plate: s.plate,
            suspect: s.suspect == true, images: s.images ?? (s.bag == nil ? 1 : 2), bag: s.bag.map { ($0.kind, $0.reference) }, rng: &rng)
        let document = ScanResultWriter.json(scan.document)
        if let out = folders[name] {
            for (file, bytes) in scan.images { try out.write(file, bytes, subfolder: "images") }
            try await deliver(out, id + ".json", document, faults)
        } else {
            for (_, bytes) in scan.images {
                let r = try await hub.post("/api/v1/blobs", body: bytes, contentType: "application/octet-stream")
                guard r.status == 201 else { throw ScenarioError("scan \(id): image upload got HTTP \(r.status)") }
            }
            let r = try await hub.post("/api/v1/scans", body: document, contentType: "application/json")
            guard r.status == 201 else { throw ScenarioError("scan \(id): HTTP \(r.status) \(r.json)") }
        }
        note("scan \(id): \(s.suspect == true ? "suspect" : "clear"), containers \((s.containers ?? []).joined(separator: " "))")
    }

    /// One N42.42 measurement file into the instrument's folder.
    func instrument(_ m: Scenario.InstrumentStep, faults: FaultOptions?) async throws {
        let name = m.device ?? "n42"
        guard let out = folders[name] else { throw ScenarioError("n42: device \(name) has no folder") }
        let id = "N42-\(runID)-\(nextFile())"
        let measurement = N42SimulatorCommand.measurement(
            id: id, instrument: "instrument-\(name)", at: Date().addingTimeInterval(faults?.clockSkew ?? 0), realTimeS: 30,
            channels: 256, nuclide: m.alarm, doseRateUSvH: m.doseRateUSvH, neutrons: m.neutrons, lat: m.lat, lon: m.lon, rng: &rng)
        try await deliver(out, id + ".n42", Array(N42MeasurementWriter.document(measurement).utf8), faults)
        note("n42 \(id): \(m.alarm.map { "alarm \($0)" } ?? "background")")
    }

    /// A result file, damaged as `faults` say (a duplicate is the same file delivered again).
    private func deliver(_ out: FolderOutput, _ name: String, _ bytes: [UInt8], _ faults: FaultOptions?) async throws {
        var inject = injector(faults?.withoutDuplicates, .scanner)
        try out.write(name, Self.damage(bytes, &inject))
        if let f = faults, f.duplicate > 0, rng.chance(f.duplicate) { try await out.redeliver(name, Self.damage(bytes, &inject)) }
    }

    static func damage(_ frame: [UInt8], _ inject: inout FaultInjector?) -> [UInt8] {
        inject?.apply(frame) ?? frame
    }
}
