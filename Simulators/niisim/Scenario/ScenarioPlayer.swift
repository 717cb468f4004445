import Foundation
import HubDrivers
import HubModel
import HubSimulation

/// Plays a scenario's timeline through the simulators' own outputs, encoders and fault injector.
final class ScenarioPlayer {
    let scenario: Scenario
    let hub: HubClient
    let pacer: Pacer
    var outputs: [String: ByteOutput] = [:]
    /// Tracker connections by `device/unit`.
    var trackers: [String: TrackerLink] = [:]
    var folders: [String: FolderOutput] = [:]
    private var seed: UInt64 = 6346
    var rng = SeededRandom(seed: 6346)
    private var files = 0
    /// The lane's portal and the lane writes planned but not yet due (see `PortalLane`).
    var portal: PortalLane?
    var pending: [LaneAction] = []
    var laneOrder = 0
    /// Per truck number: its step's faults and their injectors (`N/ocr`, `N/rpm`).
    var laneFaults: [Int: FaultOptions] = [:]
    var laneInjectors: [String: FaultInjector] = [:]
    /// What the lane devices wrote, when (`--trace`).
    let trace: Trace
    /// Per trace detector device: the line its profile describes.
    var traceSchemas: [String: LineSchema] = [:]
    /// Per timeline second: when its first step was played (real time), for `notBeforeS`.
    private(set) var played: [Double: Date] = [:]
    /// Names this run's result files apart from an earlier run's against the same hub.
    let runID = String(UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970 * 1000)), radix: 36).uppercased()

    init(scenario: Scenario, hub: HubClient, speed: Double, trace: Trace) {
        self.scenario = scenario
        self.hub = hub
        self.trace = trace
        pacer = Pacer(speed: speed, elastic: true)
    }

    /// Checks every step against its device, opens every device's output and waits until the hub has
    /// the serial ones online.
    func connect(timeoutS: Double) async throws {
        for step in scenario.timeline { try check(step) }
        for (name, d) in scenario.devices.sorted(by: { $0.key < $1.key }) {
            switch try scenario.deviceProtocol(name) {
            case .rpm, .ocr, .trace:
                guard d.link != nil || d.tcp != nil else { throw ScenarioError("device \(name) needs a link: or tcp:") }
                if try scenario.deviceProtocol(name) == .trace { traceSchemas[name] = try Self.traceSchema(d.profile) }
                outputs[name] = try ByteOutput(link: d.link, tcp: d.link == nil ? d.tcp : nil, name: name)
            case .gt06, .teltonika, .eseal:
                guard let tcp = d.tcp else { throw ScenarioError("device \(name) needs tcp: HOST:PORT") }
                _ = try Loopback.endpoint(tcp)
            case .scanner, .n42:
                if d.post == true { continue }
                guard let folder = d.folder else { throw ScenarioError("device \(name) needs folder: (or post: true for a scanner)") }
                folders[name] = try FolderOutput(folder)
            }
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
        for step in Self.expand(scenario.timeline) {
            try await playLane(until: step.at)
            try await pacer.wait(until: step.at)
            if played[step.at] == nil { played[step.at] = Date() }
            let faults = try step.faults?.options()
            if let d = step.declaration {
                let r = try await hub.post("/api/v1/declarations", json: d.json)
                guard (200..<300).contains(r.status) else { throw ScenarioError("declaration \(d.number): HTTP \(r.status) \(r.json)") }
                note("at \(step.at)s: declaration \(d.number)")
            }
            if let t = step.truck {
                truck(t, at: step.at, faults: faults, burst: step.faults?.burst == true)
                try await playLane(until: step.at)
            }
            if let t = step.tracker { try tracker(t, faults: faults) }
            if let s = step.scan { try await scan(s, faults: faults) }
            if let m = step.n42 { try await instrument(m, faults: faults) }
            if let v = step.verdict { try await verdict(v) }
            if let t = step.trace { try swab(t, faults: faults) }
            if let a = step.acknowledge { try await acknowledge(a) }
            if let c = step.command { try await command(c) }
            if let name = step.reconnect { reconnect(name) }
            if let name = step.unplug { unplug(name) }
        }
        // The trucks still in the lane, to the last one's GX.
        try await playLane(until: .infinity)
    }

    func close() {
        for o in outputs.values { o.close() }
        for t in trackers.values { t.drop() }
        outputs = [:]
        trackers = [:]
    }

    /// The timeline in time order, a route step spread into one step per report (`every` apart, or at
    /// once in a burst); the alarm goes with the last.
    static func expand(_ timeline: [Scenario.Step]) -> [Scenario.Step] {
        var out: [Scenario.Step] = []
        for step in timeline {
            guard let t = step.tracker, let points = t.route, points.count >= 2 else {
                out.append(step)
                continue
            }
            let route = Route(points.map { (lat: $0[0], lon: $0[1]) })
            let n = max(2, t.reports ?? 5), every = t.every?.value ?? 1
            for k in 0..<n {
                var s = step
                // Two equal points make a route of no length: the unit stands still there.
                let p = route.lengthM > 0 ? route.position(after: route.lengthM * Double(k) / Double(n - 1))
                    : (lat: points[0][0], lon: points[0][1], courseDeg: 0)
                s.tracker?.route = nil
                s.tracker?.lat = p.lat
                s.tracker?.lon = p.lon
                if k < n - 1 { s.tracker?.alarm = nil }
                if step.faults?.burst != true { s.at = step.at + Double(k) * every }
                out.append(s)
            }
        }
        // Stable: steps at the same second keep the file's order.
        return out.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    private func check(_ step: Scenario.Step) throws {
        if let f = step.faults { _ = try f.options() }
        try step.truck?.check()
        if let t = step.tracker {
            let p = try scenario.deviceProtocol(t.device)
            guard [Scenario.DeviceProtocol.gt06, .teltonika, .eseal].contains(p) else { throw ScenarioError("tracker \(t.unit): device \(t.device) is no tracker") }
            try TrackerFrames.check(t, p)
            guard (t.lat != nil && t.lon != nil) || (t.route?.count ?? 0) >= 2 else {
                throw ScenarioError("tracker \(t.unit): needs lat: and lon:, or a route: of two points or more")
            }
        }
        if let c = step.command {
            guard [Scenario.DeviceProtocol.gt06, .teltonika, .eseal].contains(try scenario.deviceProtocol(c.device)) else {
                throw ScenarioError("command to \(c.unit): device \(c.device) is no tracker")
            }
            guard ["unlock", "lock", "position"].contains(c.command) else {
                throw ScenarioError("command to \(c.unit): '\(c.command)' is none of unlock, lock, position")
            }
        }
        if let s = step.scan, try scenario.deviceProtocol(s.device ?? "scanner") != .scanner {
            throw ScenarioError("scan: device \(s.device ?? "scanner") is no scanner")
        }
        if let m = step.n42, try scenario.deviceProtocol(m.device ?? "n42") != .n42 {
            throw ScenarioError("n42: device \(m.device ?? "n42") is no N42 instrument")
        }
        if let t = step.trace, try scenario.deviceProtocol(t.device) != .trace {
            throw ScenarioError("trace: device \(t.device) is no trace detector")
        }
        for name in [step.unplug, step.reconnect, step.truck?.unplugMidway].compactMap({ $0 }) { _ = try scenario.deviceProtocol(name) }
    }

    func nextSeed() -> UInt64 {
        seed += 1
        return seed
    }

    func nextFile() -> String {
        files += 1
        return String(format: "%04d", files)
    }

    func injector(_ faults: FaultOptions?, _ p: Scenario.DeviceProtocol) -> FaultInjector? {
        guard let faults else { return nil }
        let place: ChecksumPlace = switch p {
        case .ocr: .starHex
        case .gt06: .binaryFromEnd(4)
        case .teltonika: .binaryFromEnd(1)
        default: .none
        }
        return FaultInjector(faults, place: place, seed: nextSeed())
    }

    /// One report of a tracker, its login first when it has no connection.
    private func tracker(_ t: Scenario.TrackerStep, faults: FaultOptions?) throws {
        let p = try scenario.deviceProtocol(t.device)
        let key = t.device + "/" + t.unit
        if trackers[key] == nil, let script = TrackerFrames.script(p), let tcp = scenario.devices[t.device]?.tcp {
            trackers[key] = try TrackerLink(script: script, unit: t.unit, address: tcp)
        }
        guard let link = trackers[key], let lat = t.lat, let lon = t.lon else { return }
        let at = Date().addingTimeInterval(faults?.clockSkew ?? 0)
        let fix = Route.Fix(lat: lat, lon: lon, courseDeg: 0, speedKmh: t.kmh ?? 50)
        let frames = TrackerFrames.report(p, script: link.script, unit: t.unit, at: at, position: fix, alarm: t.alarm, serial: link.serial)
        var inject = injector(faults, p)
        try link.send(frames, faults: &inject)
        note("\(t.device) \(t.unit): \(t.alarm ?? "position") at \(String(format: "%.5f,%.5f", lat, lon))")
    }

    private func reconnect(_ name: String) {
        outputs[name]?.reconnect()
        for (key, t) in trackers where key.hasPrefix(name + "/") { t.drop() }
        note("reconnect \(name)")
    }

    func unplug(_ name: String) {
        outputs.removeValue(forKey: name)?.close()
        for key in trackers.keys where key.hasPrefix(name + "/") { trackers.removeValue(forKey: key)?.drop() }
        note("unplugged \(name)")
    }

    private func state(of id: String) async throws -> String? {
        let list = try await hub.get("/api/v1/devices")["devices"] as? [[String: Any]] ?? []
        return list.first { $0["id"] as? String == id }?["state"] as? String
    }
}
