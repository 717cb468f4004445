import Foundation
import HubModel

/// What the transit map shows of one watched transit, as a pure value: its corridor and tolerance,
/// the seal's recent track with each point marked inside or outside the corridor, where it last left
/// the corridor, and a status from the watch's findings. Fed the same fixes and findings as the watch.
public struct TransitPicture: Sendable, Equatable, Encodable {
    /// One position of the seal.
    public struct Point: Sendable, Equatable, Encodable {
        public var lat: Double
        public var lon: Double
        public var at: Date
        /// Metres from the corridor's polyline.
        public var distanceM: Double
        /// Farther from the corridor than its tolerance.
        public var outside: Bool
    }

    /// From the most to the least urgent: the first that holds is the status.
    public enum Status: String, Sendable, Encodable {
        case sealAlarm = "seal-alarm", deviated, overdue, signalLost = "signal-lost", onRoute = "on-route"
    }

    public let declaration: String
    public let seal: String
    public let origin: String
    public let destination: String
    /// [[lat, lon], …], the declaration's own or its named route.
    public let corridor: [[Double]]
    public let bufferM: Double
    public let end: Date
    /// The newest positions, oldest first (at most `trackLimit`).
    public private(set) var track: [Point] = []
    /// Where the seal left the corridor, for the current deviation or the last one.
    public private(set) var leftAt: Point?
    /// Deviations reported so far.
    public private(set) var deviations = 0
    /// The seal report behind a seal alarm (`opened`, `tampered`, `cut`, `unlock`).
    public private(set) var sealReport: String?
    private var deviated = false
    private var overdue = false
    private var signalLost = false
    /// The latest finding's words, for a label.
    public private(set) var lastFinding: String?

    public static let trackLimit = 500

    /// The picture of a watch's transit, before any position.
    public init(watch: TransitWatch, seal: String, origin: String, destination: String) {
        declaration = watch.declaration
        self.seal = seal
        self.origin = origin
        self.destination = destination
        corridor = watch.corridor
        bufferM = watch.rules.bufferM
        end = watch.end
    }

    /// The newest position.
    public private(set) var position: Point?
    public private(set) var status = Status.onRoute

    private mutating func restate() {
        position = track.last
        status = sealReport != nil ? .sealAlarm : deviated ? .deviated : overdue ? .overdue : signalLost ? .signalLost : .onRoute
    }

    /// A position of the seal, in the order they came.
    public mutating func fix(lat: Double, lon: Double, at: Date) {
        let d = Geo.distanceToPolylineM(lat, lon, corridor)
        let p = Point(lat: lat, lon: lon, at: at, distanceM: d.rounded(), outside: d > bufferM)
        // The first point of a run outside is where it left; a deviation finding only comes later.
        if p.outside, track.last.map({ !$0.outside }) ?? true { pendingLeave = p }
        if !p.outside { pendingLeave = nil }
        track.append(p)
        if track.count > Self.trackLimit { track.removeFirst(track.count - Self.trackLimit) }
        restate()
    }

    private var pendingLeave: Point?

    /// A finding of the transit's watch.
    public mutating func apply(_ f: TransitWatch.Finding) {
        lastFinding = f.detail
        switch f.kind {
        case .deviation:
            deviated = true
            deviations += 1
            leftAt = pendingLeave ?? f.lat.flatMap { lat in
                f.lon.map { Point(lat: lat, lon: $0, at: f.at, distanceM: f.distanceM ?? 0, outside: true) }
            }
        case .returned: deviated = false
        case .seal: sealReport = Self.report(in: f.detail)
        case .overdue: overdue = true
        case .signalLost: signalLost = true
        case .signalRegained: signalLost = false
        case .stop, .arrived: break
        }
        restate()
    }

    /// The seal's word out of "seal opened outside …".
    private static func report(in detail: String) -> String {
        detail.split(separator: " ").dropFirst().first.map(String.init) ?? "opened"
    }

    /// What goes out: everything but the pending leave point, which only the picture needs.
    enum CodingKeys: String, CodingKey {
        case declaration, seal, origin, destination, corridor, bufferM, end, track, position, leftAt, deviations
        case sealReport, status, lastFinding
    }
}
