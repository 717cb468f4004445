/// The hub's risk assessment of a declaration (`risk.assessment`): its score, the channel it
/// puts the declaration on, and the signals that make up the score with the events behind them.
public struct RiskAssessmentPayload: EventPayloadBody {
    public static let kinds = [EventKind.riskAssessment]

    /// One signal that scored points.
    public struct Signal: Sendable, Equatable {
        /// Its name in the risk policy (`gammaAlarm`, `sealTamper`, …).
        public var signal: String
        /// Points it adds to the score.
        public var points: Double
        /// Why, for the officer.
        public var detail: String
        /// Ids of the events that show it.
        public var evidence: [String]

        public init(signal: String, points: Double, detail: String, evidence: [String]) {
            self.signal = signal
            self.points = points
            self.detail = detail
            self.evidence = evidence
        }
    }

    /// The score, points.
    public var score: Double
    /// The channel assessed (`green`, `yellow`, `red`; a string, as the declaration model owns the set).
    public var channel: String
    /// The channel the declaration was filed on.
    public var declaredChannel: String
    /// The declaration version assessed (1, 2, …).
    public var declarationVersion: Int
    public var signals: [Signal]
    /// Trader modifiers applied (`aeo`, `complianceHigh`, …) with their points.
    public var modifiers: [String: Double]
    /// Whether the assessed channel is stricter than the declared one.
    public var escalated: Bool

    public init(
        score: Double, channel: String, declaredChannel: String, declarationVersion: Int, signals: [Signal],
        modifiers: [String: Double], escalated: Bool
    ) {
        self.score = score
        self.channel = channel
        self.declaredChannel = declaredChannel
        self.declarationVersion = declarationVersion
        self.signals = signals
        self.modifiers = modifiers
        self.escalated = escalated
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        score = try f.double("score")
        channel = try f.string("channel")
        declaredChannel = try f.string("declaredChannel")
        declarationVersion = try f.int("declarationVersion")
        escalated = try f.bool("escalated")
        guard case .array(let list)? = f.raw("signals") else { throw PayloadError(field: "signals", reason: "not a list") }
        signals = try list.enumerated().map { i, v in
            guard case .object(let o) = v else { throw PayloadError(field: "signals[\(i)]", reason: "not an object") }
            var s = PayloadFields(o)
            let signal = Signal(
                signal: try s.string("signal"), points: try s.double("points"), detail: try s.string("detail"),
                evidence: try s.strings("evidence") ?? [])
            guard o["evidence"] != nil else { throw PayloadError(field: "signals[\(i)].evidence", reason: "missing") }
            try s.finish()
            return signal
        }
        guard case .object(let m)? = f.raw("modifiers") else { throw PayloadError(field: "modifiers", reason: "not an object") }
        modifiers = try m.mapValues {
            guard let d = $0.doubleValue else { throw PayloadError(field: "modifiers", reason: "not numbers") }
            return d
        }
        try f.finish()
    }

    public var json: [String: JSONValue] {
        let signals: [JSONValue] = signals.map { s in
            .object([
                "signal": .string(s.signal), "points": .double(s.points), "detail": .string(s.detail),
                "evidence": .array(s.evidence.map { .string($0) }),
            ])
        }
        return [
            "score": .double(score), "channel": .string(channel), "declaredChannel": .string(declaredChannel),
            "declarationVersion": .int(Int64(declarationVersion)), "signals": .array(signals),
            "modifiers": .object(modifiers.mapValues { .double($0) }), "escalated": .bool(escalated),
        ]
    }

    public var payload: EventPayload { .riskAssessment(self) }
}

extension InspectionEvent {
    /// The assessment, when this is a typed `risk.assessment`.
    public var riskAssessment: RiskAssessmentPayload? {
        if case .riskAssessment(let p) = payload { p } else { nil }
    }

    /// The finding, when this is a typed `transit.*` event.
    public var transitFinding: TransitFindingPayload? {
        if case .transitFinding(let p) = payload { p } else { nil }
    }
}
