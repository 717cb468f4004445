import Foundation
import HubModel
import Synchronization

/// What the hub knows about each configured device right now: its health state and why, traffic,
/// and the decode counters that show a misbehaving device. Updated from the ingest path and the
/// health monitor; read by the API. Every change of state comes back as a `Transition`, which the
/// caller turns into a `device.status` event.
public final class DeviceRegistry: Sendable {
    /// A device's health (the `state` its `device.status` events carry): see `DeviceStatus.State`.
    public typealias State = DeviceStatus.State

    /// The transport's side of the story (the `link` of its `device.status` events).
    public typealias Link = DeviceStatus.Link

    /// One device's row.
    public struct Status: Sendable, Codable, Equatable {
        public var id: String
        public var profile: String
        public var family: String
        public var `protocol`: String
        public var site: String
        public var lane: String?
        public var port: String?
        public var state: State
        /// When the state last changed, and why.
        public var since: Date
        public var reason: String?
        public var link: Link
        public var activeFaults: [String]
        public var tampered: Bool
        public var silent: Bool
        public var lastFrameAt: Date?
        public var lastEventAt: Date?
        /// Times the link came up.
        public var connects: Int
        /// Open connections, for a listener that many units report to.
        public var connections: Int
        /// Connections the hub closed because they sent nothing but noise (a flooding or foreign client).
        public var connectionsDropped: Int = 0
        /// Connections that have ended since the hub started, each one's frames dealt with (stored)
        /// first: with `connections`, how often units redial, and when all a unit sent is in.
        public var connectionsClosed: Int = 0
        /// The most bytes one connection's decoder has held for an unfinished frame (bounded by the
        /// profile's frame limit, however slowly or wrongly a unit sends).
        public var peakPendingBytes: Int = 0
        public var lastError: String?
        /// A serial line's settings in force: `9600 8N1`, `38400 8N1 (found by auto)`, or
        /// `4800 8N1 (trying, auto)` while its speed is hunted for; nil for other transports.
        public var serial: String?
        public var events: Int
        /// Batches the store refused even after retries.
        public var storeFailures: Int
        public var counters: DecodeCounters
        /// The profile's heartbeat: how often the device says something when all is quiet.
        public var heartbeatIntervalS: Double
        /// The profile's longest silence allowed: past it, the device is `silent`. Nil for a relay
        /// board, which speaks only when spoken to.
        public var maxSilenceS: Double?

        /// Whole seconds without a fraction (`15`, not `15.0`).
        static func seconds(_ s: Double) -> String { s == s.rounded() && abs(s) < 1e15 ? String(Int(s)) : String(s) }

        var derived: (State, String?) {
            switch link {
            case .disabled: return (.disabled, "disabled in the site config")
            case .connecting: return (.connecting, lastError)
            case .down: return (.offline, lastError)
            case .up:
                if tampered { return (.tampered, "tamper reported by the device") }
                if !activeFaults.isEmpty { return (.faulted, "fault: " + activeFaults.joined(separator: ", ")) }
                if silent { return (.silent, "silent for more than \(Self.seconds(maxSilenceS ?? 0)) s") }
                return (.online, nil)
            }
        }
    }

    /// A change of state, for a `device.status` event.
    public struct Transition: Sendable, Equatable {
        public var device: Status
        public var from: State
        public var to: State
        public var reason: String?
        public var at: Date
    }

    let rows: Mutex<[String: Status]>
    private let order: Mutex<[String]>
    /// Units that dialled in to a listener without being admitted, and the admins' decisions.
    public let admissions = UnitAdmissions()
    /// The units connected right now that take commands, and the commands waiting for their answers.
    public let units = UnitLinks()

    public init(devices: [DeviceInstance], now: Date = Date()) {
        var map: [String: Status] = [:]
        for d in devices { map[d.id] = Self.row(for: d, now: now) }
        rows = Mutex(map)
        order = Mutex(devices.map(\.id))
    }

    private static func row(for d: DeviceInstance, now: Date) -> Status {
        Status(
            id: d.id, profile: d.profile.model, family: d.profile.family, protocol: d.profile.protocol, site: d.site,
            lane: d.lane, port: d.endpoint ?? d.usbPin.map { "usb \($0.serial ?? $0.path ?? "")" }, state: d.enabled ? .connecting : .disabled, since: now,
            reason: nil, link: d.enabled ? .connecting : .disabled, activeFaults: [], tampered: false, silent: false,
            lastFrameAt: nil, lastEventAt: nil, connects: 0, connections: 0, lastError: nil, serial: d.serial?.summary, events: 0,
            storeFailures: 0, counters: DecodeCounters(), heartbeatIntervalS: d.profile.heartbeatIntervalS,
            maxSilenceS: d.profile.maxSilenceS)
    }

    /// Every device, in configuration order.
    public func all() -> [Status] {
        let ids = order.withLock { $0 }
        return rows.withLock { m in ids.compactMap { m[$0] } }
    }

    public func status(_ id: String) -> Status? { rows.withLock { $0[id] } }

    /// Adds devices that appear while running (hot reload, USB hotplug); existing rows are kept.
    public func add(_ devices: [DeviceInstance], now: Date = Date()) {
        rows.withLock { m in
            for d in devices where m[d.id] == nil { m[d.id] = Self.row(for: d, now: now) }
        }
        order.withLock { o in
            for d in devices where !o.contains(d.id) { o.append(d.id) }
        }
    }

    /// Adds a lane relay board's channel (`relays:` in the site config): a row like a device's, so its
    /// link and faults show where every device's do. It sends nothing unasked, so it is never silent.
    /// `replacing`: a row of that id is made anew (a relay a reload changed or brought back).
    public func addRelay(_ r: LaneRelaySettings, site: String, replacing: Bool = false, now: Date = Date()) {
        let row = Status(
            id: r.id, profile: "\(r.board.rawValue)-relay", family: LaneRelaySettings.family, protocol: r.board.rawValue, site: site,
            lane: r.lane, port: r.port, state: .connecting, since: now, reason: nil, link: .connecting, activeFaults: [],
            tampered: false, silent: false, lastFrameAt: nil, lastEventAt: nil, connects: 0, connections: 0, lastError: nil,
            serial: r.serial.summary, events: 0, storeFailures: 0, counters: DecodeCounters(), heartbeatIntervalS: 86_400,
            maxSilenceS: nil)
        rows.withLock { m in if replacing || m[r.id] == nil { m[r.id] = row } }
        order.withLock { o in if !o.contains(r.id) { o.append(r.id) } }
    }

    /// A fault the hub found itself (a relay board that did not answer), raised or cleared.
    public func fault(_ id: String, _ fault: String, active: Bool, error: String? = nil, at now: Date = Date()) -> Transition? {
        update(id, at: now) { s in
            s.activeFaults.removeAll { $0 == fault }
            if active { s.activeFaults.append(fault) }
            if let error { s.lastError = error }
        }
    }

    /// The link went up, down or is being opened.
    public func link(_ id: String, _ link: Link, error: String? = nil, at now: Date = Date()) -> Transition? {
        update(id, at: now) { s in
            if link == .up, s.link != .up { s.connects += 1 }
            s.link = link
            if link == .up { s.silent = false }
            if let error { s.lastError = error }
        }
    }

    /// Where the device is reached, once known (a listener bound to port 0 learns its port).
    public func endpoint(_ id: String, _ text: String) {
        rows.withLock { m in m[id]?.port = text }
    }

    /// A serial line's settings changed (its speed hunted, tried or found).
    public func serial(_ id: String, _ text: String) {
        rows.withLock { m in m[id]?.serial = text }
    }

    /// A listener's open connections changed by `delta` (a negative one: that many have ended).
    public func connections(_ id: String, delta: Int) {
        rows.withLock { m in
            m[id]?.connections += delta
            if delta < 0 { m[id]?.connectionsClosed -= delta }
        }
    }

    /// A listener closed a connection that sent only noise; returns how many it has closed so far.
    @discardableResult
    public func droppedConnection(_ id: String) -> Int {
        rows.withLock { m in
            m[id]?.connectionsDropped += 1
            return m[id]?.connectionsDropped ?? 0
        }
    }

    /// A connection's decoder holds `bytes` for an unfinished frame.
    public func pending(_ id: String, bytes: Int) {
        rows.withLock { m in
            if let peak = m[id]?.peakPendingBytes, bytes > peak { m[id]?.peakPendingBytes = bytes }
        }
    }

    /// Traffic: what the device's decoders counted since the last report, and new events.
    public func traffic(_ id: String, added: DecodeCounters, newEvents: Int, at now: Date = Date()) -> Transition? {
        update(id, at: now) { s in
            if added.bytes > 0 {
                s.lastFrameAt = now
                s.silent = false
            }
            s.counters.add(added)
            if newEvents > 0 {
                s.events += newEvents
                s.lastEventAt = now
            }
        }
    }

    /// Folds a device's own fault and tamper reports into its state.
    public func observe(_ events: [InspectionEvent], of id: String, at now: Date = Date()) -> [Transition] {
        var out: [Transition] = []
        for e in events {
            let t: Transition?
            switch e.kind {
            case EventKind.radiationFault:
                guard let fault = e.radiationFault else { continue }
                t = update(id, at: now) { s in
                    s.activeFaults.removeAll { $0 == fault.fault }
                    if fault.active { s.activeFaults.append(fault.fault) }
                }
            case EventKind.deviceTamper, EventKind.sealTamper:
                guard let tampered = e.tamper?.tampered else { continue }
                t = update(id, at: now) { s in s.tampered = tampered }
            default:
                continue
            }
            if let t { out.append(t) }
        }
        return out
    }

    /// Marks as silent every connected device that has sent nothing for longer than its profile's
    /// `maxSilenceS`. A silent device stays so until it sends bytes again (`traffic`) or its link
    /// comes up anew (`link`): measured from its last state change alone, a device that never spoke
    /// again turned back `online` one check after turning silent, and flipped between the two.
    public func checkSilence(at now: Date = Date()) -> [Transition] {
        let ids = order.withLock { $0 }
        return ids.compactMap { id in
            update(id, at: now) { s in
                guard s.link == .up, !s.silent, let limit = s.maxSilenceS else { return }
                let last = max(s.lastFrameAt ?? s.since, s.since)
                s.silent = now.timeIntervalSince(last) > limit
            }
        }
    }

    /// Records a batch the store could not take after retries.
    public func storeFailure(_ id: String, error: String) {
        rows.withLock { m in
            m[id]?.storeFailures += 1
            m[id]?.lastError = "store: \(error)"
        }
    }

    private func update(_ id: String, at now: Date, _ change: (inout Status) -> Void) -> Transition? {
        rows.withLock { m -> Transition? in
            guard var s = m[id] else { return nil }
            let before = s.state
            change(&s)
            let (state, reason) = s.derived
            var transition: Transition?
            if state != before {
                s.state = state
                s.since = now
                s.reason = reason
                transition = Transition(device: s, from: before, to: state, reason: reason, at: now)
            }
            m[id] = s
            return transition
        }
    }
}
