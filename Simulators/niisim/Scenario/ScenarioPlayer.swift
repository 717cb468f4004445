import Foundation
import HubDrivers
import HubModel

/// Plays a scenario's timeline through the simulators' own outputs and encoders.
final class ScenarioPlayer {
    let scenario: Scenario
    let hub: HubClient
    let pacer: Pacer
    private var outputs: [String: ByteOutput] = [:]
    private var portalSeed: UInt64 = 6346
    private var sealSequence = 0

    init(scenario: Scenario, hub: HubClient, speed: Double) {
        self.scenario = scenario
        self.hub = hub
        pacer = Pacer(speed: speed)
    }

    /// Opens every device's output and waits until the hub has the serial ones online.
    func connect(timeoutS: Double) async throws {
        for (name, d) in scenario.devices.sorted(by: { $0.key < $1.key }) {
            guard d.link != nil || d.tcp != nil else { throw ScenarioError("device \(name) needs a link: or tcp:") }
            outputs[name] = try ByteOutput(link: d.link, tcp: d.link == nil ? d.tcp : nil, name: name)
        }
        let deadline = Date().addingTimeInterval(timeoutS)
        for id in scenario.devices.values.compactMap({ $0.link != nil ? $0.id : nil }) {
            while try await state(of: id) != "online" {
                guard Date() < deadline else { throw ScenarioError("device \(id) never came online at the hub") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    func play() async throws {
        for step in scenario.timeline.sorted(by: { $0.at < $1.at }) {
            try await pacer.wait(until: step.at)
            if let t = step.truck { try await truck(t) }
            if let d = step.declaration {
                let r = try await hub.post("/api/v1/declarations", json: d.json)
                guard (200..<300).contains(r.status) else { throw ScenarioError("declaration \(d.number): HTTP \(r.status) \(r.json)") }
                note("at \(step.at)s: declaration \(d.number)")
            }
            if let name = step.unplug { unplug(name) }
            if let r = step.seal { seal(r) }
        }
    }

    func close() {
        for o in outputs.values { o.close() }
        outputs = [:]
    }

    /// An e-seal report through the e-seal encoder, its ack left to the socket.
    private func seal(_ r: Scenario.SealReport) {
        sealSequence += 1
        outputs["eseal"]?.write(ESealEncoder.report(
            id: r.id, sequence: sealSequence, event: r.event ?? "POS", time: ESealScript.time(Date()),
            lat: String(format: "%.6f", r.lat), lon: String(format: "%.6f", r.lon), battery: "87"))
    }

    private func unplug(_ name: String) {
        outputs.removeValue(forKey: name)?.close()
        note("unplugged \(name)")
    }

    /// The camera reads the vehicle, then it crosses the portal (with or without a gamma alarm).
    private func truck(_ t: Scenario.Truck) async throws {
        let now = Date()
        if let camera = outputs["ocr"] {
            for c in t.containers ?? [] {
                let text = t.misread?[c] ?? c
                let confidences = zip(c, text).map { $0 == $1 ? 96.0 : 45.0 } + Array(repeating: 96.0, count: max(0, text.count - c.count))
                camera.write(OCRLine.encode(OCRReading(
                    lane: t.lane ?? "1", observedAt: now, kind: .container, text: text, confidence: confidences.min() ?? 96,
                    position: "rear", characterConfidences: confidences)))
            }
            if let plate = t.plate {
                camera.write(OCRLine.encode(OCRReading(lane: t.lane ?? "1", observedAt: now, kind: .plate, text: plate, confidence: 95, position: "front")))
            }
        }
        guard let portal = outputs["rpm"] else { return }
        var model = PortalMonitorModel(
            settings: .init(gammaAlarmRate: t.gammaAlarm == true ? 1 : 0, neutronAlarmRate: 0), seed: portalSeed)
        portalSeed += 1
        let lines = model.cycle()
        // Unplugged midway: the line that closes the occupancy (GX) never comes.
        let played = t.unplugMidway == nil ? lines[...] : lines[..<(lines.count * 2 / 3)]
        let local = Pacer(speed: pacer.speed)
        for l in played {
            try await local.wait(until: l.at)
            portal.write(l.line.encoded())
        }
        if let name = t.unplugMidway { unplug(name) }
    }

    private func state(of id: String) async throws -> String? {
        let list = try await hub.get("/api/v1/devices")["devices"] as? [[String: Any]] ?? []
        return list.first { $0["id"] as? String == id }?["state"] as? String
    }
}

struct ScenarioError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
