import Foundation
import HubDrivers
import HubModel
import HubSimulation

/// The lane's devices a scenario drives: gate camera and portal monitor (streams), scanner and
/// radiation instrument (result files, or the scanner's HTTP post).
extension ScenarioPlayer {
    /// The camera reads the vehicle, it crosses the portal (with or without a gamma alarm), and the
    /// scanner scans it when the truck says with what result.
    func truck(_ t: Scenario.Truck, faults: FaultOptions?, burst: Bool) async throws {
        let now = Date().addingTimeInterval(faults?.clockSkew ?? 0)
        if let camera = outputs["ocr"] {
            var inject = injector(faults, .ocr)
            for c in t.containers ?? [] {
                let text = t.misread?[c] ?? c
                let confidences = zip(c, text).map { $0 == $1 ? 96.0 : 45.0 } + Array(repeating: 96.0, count: max(0, text.count - c.count))
                camera.write(Self.damage(OCRLine.encode(OCRReading(
                    lane: t.lane ?? "1", observedAt: now, kind: .container, text: text, confidence: confidences.min() ?? 96,
                    position: "rear", characterConfidences: confidences)), &inject))
            }
            if let plate = t.plate {
                camera.write(Self.damage(OCRLine.encode(OCRReading(
                    lane: t.lane ?? "1", observedAt: now, kind: .plate, text: plate, confidence: 95, position: "front")), &inject))
            }
        }
        if let result = t.scan {
            try await scan(Scenario.ScanStep(lane: t.lane, containers: t.containers, plate: t.plate, suspect: result == "suspect"),
                           faults: faults)
        }
        guard let portal = outputs["rpm"] else { return }
        var inject = injector(faults, .rpm)
        var model = PortalMonitorModel(
            settings: .init(gammaAlarmRate: t.gammaAlarm == true ? 1 : 0, neutronAlarmRate: 0), seed: nextSeed())
        let lines = model.cycle()
        // Unplugged midway: the line that closes the occupancy (GX) never comes.
        let played = t.unplugMidway == nil ? lines[...] : lines[..<(lines.count * 2 / 3)]
        let local = Pacer(speed: pacer.speed)
        for l in played {
            if !burst { try await local.wait(until: l.at) }
            portal.write(Self.damage(l.line.encoded(), &inject))
        }
        if let name = t.unplugMidway { unplug(name) }
    }

    /// One scan: its images and document into the scanner's folder, or posted over HTTP.
    func scan(_ s: Scenario.ScanStep, faults: FaultOptions?) async throws {
        let name = s.device ?? "scanner"
        let id = "SCN-\(runID)-\(nextFile())"
        // The result is written when the scan is over: it started its 35 s before.
        let at = Date().addingTimeInterval((faults?.clockSkew ?? 0) - 35)
        let scan = ScanSimulatorCommand.scan(
            id: id, scanner: "scanner-\(name)", lane: s.lane, at: at, containers: s.containers ?? [], plate: s.plate,
            suspect: s.suspect == true, images: s.images ?? 1, rng: &rng)
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
