import Foundation

/// `trace.alarm` and `trace.clear`: a trace or narcotics detector's result for one sample. What the
/// sample was taken from is the event's subject (containers, plates, seals), which is how an alarm
/// joins the passage of the vehicle whose container or plate was read.
public struct TraceResultPayload: EventPayloadBody {
    public static let kinds = [EventKind.traceAlarm, EventKind.traceClear]
    /// Placed where the reads of the identifiers it names went, like a seal report.
    public static let passageRole: PassageRole? = .namedEvidence

    /// The substance or class named on alarm.
    public var substance: String?
    /// The detection channel (ion mode, library).
    public var channel: String?
    /// The peak amplitude in `amplitudeUnit` (the detector's own unit, as its profile names it).
    public var amplitude: Double?
    public var amplitudeUnit: String?

    public init(substance: String? = nil, channel: String? = nil, amplitude: Double? = nil, amplitudeUnit: String? = nil) {
        self.substance = substance
        self.channel = channel
        self.amplitude = amplitude
        self.amplitudeUnit = amplitudeUnit
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        substance = try f.optionalString("substance")
        channel = try f.optionalString("channel")
        amplitude = try f.optionalDouble("amplitude")
        amplitudeUnit = try f.optionalString("amplitudeUnit")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [:]
        o.put("substance", substance)
        o.put("channel", channel)
        o.put("amplitude", amplitude)
        o.put("amplitudeUnit", amplitudeUnit)
        return o
    }

    public var payload: EventPayload { .trace(self) }
}

extension InspectionEvent {
    /// A `trace.alarm` or `trace.clear` result.
    public var traceResult: TraceResultPayload? { if case .trace(let p) = payload { p } else { nil } }
}
