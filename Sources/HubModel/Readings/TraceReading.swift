import Foundation

/// One sample analysed by a trace or narcotics detector (ion mobility and the like): alarm or
/// clear, and on alarm what it found, as a profile's `line:` section maps the device's fields.
public struct TraceReading: Sendable, Equatable {
    /// The detector's clock, when the line carries a time.
    public var observedAt: Date?
    public var alarm: Bool
    /// The substance or class the detector named (`TNT`, `Cocaine`, `Explosive`).
    public var substance: String?
    /// The detection channel (ion mode or library: `EXP+`, `NARC-`).
    public var channel: String?
    /// The peak amplitude, in `amplitudeUnit` (the profile's unit for that field).
    public var amplitude: Double?
    public var amplitudeUnit: String?
    /// What the sample was taken from, as the line names it (containers not yet checked).
    public var containers: [String] = []
    public var plates: [String] = []
    public var seals: [String] = []
    /// The lane the line names, used when the device's configuration gives none.
    public var lane: String?

    public init(observedAt: Date?, alarm: Bool) {
        self.observedAt = observedAt
        self.alarm = alarm
    }
}
