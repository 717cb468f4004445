import Foundation

/// What one tracker protocol says, for `FleetRunner`: its login, how to read the login's answer,
/// and the frames of each report.
protocol TrackerScript: Sendable {
    var name: String { get }
    var checksum: ChecksumPlace { get }
    func login(unit: String, serial: UInt16) -> [UInt8]
    /// True once `reply` holds an accepting answer, false for a refusal, nil while more is needed.
    func loginAccepted(_ reply: [UInt8]) -> Bool?
    /// How many bytes the hub answers `frame` with (its ack), 0 when it does not answer.
    func replyBytes(for frame: [UInt8], unit: String) -> Int
    /// The frames of report `step`; `alarm` asks for an alarm (where the protocol has one).
    func report(unit: String, step: Int, at: Date, position: Route.Fix, alarm: Bool, serial: UInt16) -> [[UInt8]]
    /// How unit `unit` answers the hub's commands (`CommandAnswerer`); nil for a protocol without them.
    func answerer(unit: String) -> CommandAnswerer?
}

extension TrackerScript {
    func answerer(unit: String) -> CommandAnswerer? { nil }
}

extension Route {
    /// A unit's position and motion at one report.
    struct Fix: Sendable {
        var lat: Double
        var lon: Double
        var courseDeg: Double
        var speedKmh: Double
    }
}
