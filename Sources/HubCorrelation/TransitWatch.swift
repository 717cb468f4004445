import Foundation
import HubModel

/// Watches one GPS-sealed transit against its declaration, as a pure value: fixes and seal reports
/// in, `transit.*` findings out. It reports a corridor deviation after `deviationFixes` fixes in a row
/// beyond the corridor's buffer (and the return), a stop longer than `stopMinutes` away from the
/// origin and destination, a seal opened or tampered away from them, a lost signal, an overdue
/// arrival, and the arrival that closes the transit.
public struct TransitWatch: Sendable {
    public struct Rules: Sendable, Equatable {
        public var bufferM: Double = 500
        public var deviationFixes: Int = 3
        public var stopMinutes: Double = 15
        /// Slower than this counts as stopped.
        public var stopSpeedKmh: Double = 3
        public var signalLostMinutes: Double = 30
        /// Within this of the origin or destination a stop or an opened seal is allowed.
        public var zoneRadiusM: Double = 1000
        public init() {}
    }

    /// What the watch found, for a `transit.*` event.
    public struct Finding: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            case deviation, returned, stop, seal, signalLost = "signal-lost", signalRegained = "signal-regained"
            case overdue, arrived
        }
        public var kind: Kind
        public var at: Date
        public var severity: Severity
        public var lat: Double?
        public var lon: Double?
        /// Metres from the corridor, for a deviation.
        public var distanceM: Double?
        public var detail: String

        public init(
            kind: Kind, at: Date, severity: Severity, lat: Double? = nil, lon: Double? = nil, distanceM: Double? = nil,
            detail: String
        ) {
            self.kind = kind
            self.at = at
            self.severity = severity
            self.lat = lat
            self.lon = lon
            self.distanceM = distanceM
            self.detail = detail
        }
    }

    public let declaration: String
    public let corridor: [[Double]]
    public let end: Date
    public let rules: Rules
    public private(set) var closed = false

    private var outside = 0
    private var deviating = false
    private var stoppedSince: Date?
    private var stopReported = false
    private var lastFixAt: Date?
    private var signalLost = false
    private var overdueReported = false

    /// A watch for a transit declaration with a corridor, its own or a named route of `routes`; nil
    /// when it has neither.
    public init?(declaration d: Declaration, routes: [String: [[Double]]] = [:], rules: Rules = Rules()) {
        guard let t = d.transit, let corridor = t.corridor ?? t.route.flatMap({ routes[$0] }), corridor.count >= 2
        else { return nil }
        declaration = d.number
        self.corridor = corridor
        end = t.end
        var r = rules
        if let b = t.bufferM { r.bufferM = b }
        self.rules = r
    }

    /// A position of the sealed unit.
    public mutating func fix(lat: Double, lon: Double, speedKmh: Double?, at: Date) -> [Finding] {
        guard !closed else { return [] }
        var out: [Finding] = []
        if signalLost {
            signalLost = false
            out.append(Finding(kind: .signalRegained, at: at, severity: .info, lat: lat, lon: lon, detail: "position reports resumed"))
        }
        lastFixAt = at
        if Geo.distanceM(lat, lon, corridor.last![0], corridor.last![1]) <= rules.zoneRadiusM {
            closed = true
            out.append(Finding(kind: .arrived, at: at, severity: .info, lat: lat, lon: lon, detail: "arrived at the destination"))
            return out
        }
        let d = Geo.distanceToPolylineM(lat, lon, corridor)
        if d > rules.bufferM {
            outside += 1
            if outside >= rules.deviationFixes && !deviating {
                deviating = true
                out.append(Finding(
                    kind: .deviation, at: at, severity: .alarm, lat: lat, lon: lon, distanceM: d.rounded(),
                    detail: "\(Int(d)) m off the corridor for \(outside) fixes (buffer \(Int(rules.bufferM)) m)"))
            }
        } else {
            outside = 0
            if deviating {
                deviating = false
                out.append(Finding(kind: .returned, at: at, severity: .info, lat: lat, lon: lon, distanceM: d.rounded(), detail: "back on the corridor"))
            }
        }
        let stopped = (speedKmh ?? rules.stopSpeedKmh + 1) < rules.stopSpeedKmh
        if stopped && !inZone(lat, lon) {
            let since = stoppedSince ?? at
            stoppedSince = since
            if !stopReported && at.timeIntervalSince(since) >= rules.stopMinutes * 60 {
                stopReported = true
                out.append(Finding(
                    kind: .stop, at: at, severity: .warning, lat: lat, lon: lon,
                    detail: "stopped for \(Int(at.timeIntervalSince(since) / 60)) min outside the allowed zones"))
            }
        } else {
            stoppedSince = nil
            stopReported = false
        }
        return out
    }

    /// A seal report: opened, tampered or cut away from the origin and destination is an alarm.
    public mutating func seal(status: String, lat: Double?, lon: Double?, at: Date) -> [Finding] {
        guard !closed, ["opened", "tampered", "cut", "unlock"].contains(status) else { return [] }
        if let lat, let lon, inZone(lat, lon) { return [] }
        return [Finding(kind: .seal, at: at, severity: .alarm, lat: lat, lon: lon, detail: "seal \(status) outside the authorized zones")]
    }

    /// The passing of time (the hub's clock): lost signal and overdue arrival.
    public mutating func tick(_ now: Date) -> [Finding] {
        guard !closed else { return [] }
        var out: [Finding] = []
        if let last = lastFixAt, !signalLost, now.timeIntervalSince(last) > rules.signalLostMinutes * 60 {
            signalLost = true
            out.append(Finding(kind: .signalLost, at: now, severity: .warning, detail: "no position for \(Int(now.timeIntervalSince(last) / 60)) min"))
        }
        if !overdueReported, now > end {
            overdueReported = true
            out.append(Finding(kind: .overdue, at: now, severity: .alarm, detail: "not arrived by \(Timestamp.format(end))"))
        }
        return out
    }

    /// What a watch is fed, kept to replay it: a fix or a seal report.
    public enum Report: Sendable, Equatable {
        case fix(lat: Double, lon: Double, speedKmh: Double?, at: Date)
        case seal(status: String, lat: Double?, lon: Double?, at: Date)

        public var at: Date {
            switch self {
            case .fix(_, _, _, let at), .seal(_, _, _, let at): at
            }
        }
    }

    /// Feeds one report.
    public mutating func feed(_ r: Report) -> [Finding] {
        switch r {
        case .fix(let lat, let lon, let speed, let at): fix(lat: lat, lon: lon, speedKmh: speed, at: at)
        case .seal(let status, let lat, let lon, let at): seal(status: status, lat: lat, lon: lon, at: at)
        }
    }

    /// What was stored about a watch, in the order it was stored: a report it was fed, or a
    /// finding it made.
    public enum Stored: Sendable, Equatable {
        case report(Report)
        case finding(Finding)
    }

    /// Rebuilds a fresh watch after a restart or a hand-over from what was stored about it, in the
    /// order it was stored. The reports are replayed, and a stored tick finding (lost signal,
    /// overdue) is put back where it stands among them, as the clock made it between two reports
    /// (a position observed earlier but delivered after the silence was reported still ends it);
    /// a report's findings carry its time, so replay makes each again at the same (kind, time).
    /// Returns the findings replay makes that are not stored (the old owner stopped between making
    /// and storing them). A stored finding replay does not make again (its reports were purged)
    /// still says what it said: deviating or not, stop reported, signal back, arrived.
    public mutating func restore(_ stored: [Stored]) -> [Finding] {
        let findings = stored.compactMap { if case .finding(let f) = $0 { f } else { nil } }
        var known = Set(findings.map(FindingKey.init))
        var made = Set<FindingKey>()
        var new: [Finding] = []
        for s in stored {
            switch s {
            case .finding(let f) where f.kind == .signalLost || f.kind == .overdue: putBack(f)
            case .finding: break
            case .report(let r):
                for f in feed(r) {
                    made.insert(FindingKey(f))
                    if known.insert(FindingKey(f)).inserted { new.append(f) }
                }
            }
        }
        for f in findings.sorted(by: { $0.at < $1.at })
        where f.kind != .signalLost && f.kind != .overdue && !made.contains(FindingKey(f)) {
            putBack(f)
        }
        return new
    }

    /// `restore(_:)` with the stored findings and reports apart, merged by time.
    public mutating func restore(findings: [Finding], replaying reports: [Report]) -> [Finding] {
        let merged = (findings.map { (at: $0.at, order: 1, item: Stored.finding($0)) }
            + reports.map { (at: $0.at, order: 0, item: Stored.report($0)) })
            .enumerated().sorted { ($0.element.at, $0.element.order, $0.offset) < ($1.element.at, $1.element.order, $1.offset) }
        return restore(merged.map(\.element.item))
    }

    /// Sets the state a stored finding says, as the watch was when it made it.
    private mutating func putBack(_ f: Finding) {
        switch f.kind {
        case .signalLost: signalLost = !closed
        case .overdue: overdueReported = true
        case .arrived: closed = true
        case .deviation:
            deviating = true
            outside = max(outside, rules.deviationFixes)
        case .returned:
            deviating = false
            outside = 0
        case .stop:
            stopReported = true
            stoppedSince = stoppedSince ?? f.at.addingTimeInterval(-rules.stopMinutes * 60)
        case .signalRegained: signalLost = false
        case .seal: break
        }
        if f.kind != .signalLost && f.kind != .overdue { lastFixAt = max(lastFixAt ?? f.at, f.at) }
    }

    /// A finding as the store tells it apart: its kind and its time to the millisecond (what a
    /// stored timestamp keeps).
    private struct FindingKey: Hashable {
        var kind: String
        var ms: Int64
        init(_ f: Finding) {
            kind = f.kind.rawValue
            ms = Int64((f.at.timeIntervalSince1970 * 1000).rounded())
        }
    }

    private func inZone(_ lat: Double, _ lon: Double) -> Bool {
        Geo.distanceM(lat, lon, corridor[0][0], corridor[0][1]) <= rules.zoneRadiusM
            || Geo.distanceM(lat, lon, corridor.last![0], corridor.last![1]) <= rules.zoneRadiusM
    }
}

/// Distances on the WGS84 sphere, precise enough for corridors of a few hundred kilometres.
public enum Geo {
    static let earthRadiusM = 6_371_008.8

    /// Great-circle distance (haversine).
    public static func distanceM(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180
        let dp = p2 - p1, dl = (lon2 - lon1) * .pi / 180
        let a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * earthRadiusM * asin(min(1, a.squareRoot()))
    }

    /// Distance from a point to the nearest segment of a polyline, projecting each segment locally
    /// onto a plane (equirectangular) around the point.
    public static func distanceToPolylineM(_ lat: Double, _ lon: Double, _ line: [[Double]]) -> Double {
        let k = cos(lat * .pi / 180)
        func xy(_ p: [Double]) -> (Double, Double) {
            ((p[1] - lon) * k * .pi / 180 * earthRadiusM, (p[0] - lat) * .pi / 180 * earthRadiusM)
        }
        var best = Double.infinity
        for i in 0..<(line.count - 1) {
            let (ax, ay) = xy(line[i]), (bx, by) = xy(line[i + 1])
            let dx = bx - ax, dy = by - ay
            let len2 = dx * dx + dy * dy
            let t = len2 == 0 ? 0 : max(0, min(1, -(ax * dx + ay * dy) / len2))
            let px = ax + t * dx, py = ay + t * dy
            best = min(best, (px * px + py * py).squareRoot())
        }
        return best
    }
}
