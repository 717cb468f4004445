import Foundation

/// `gate.passage`: one vehicle through a lane, as the passage assembler joined it (one revision of
/// it; a later revision names this one in `supersedes`).
public struct GatePassagePayload: EventPayloadBody {
    public static let kinds = [EventKind.passage]

    /// Evidence that fits more than one vehicle, and why (a sentence for the operator).
    public struct Ambiguity: Sendable, Equatable {
        /// The evidence event's id.
        public var event: String
        /// The passages it may belong to.
        public var candidates: [String]
        public var reason: String

        public init(event: String, candidates: [String], reason: String) {
            self.event = event
            self.candidates = candidates
            self.reason = reason
        }
    }

    /// The passage's id, the same across its revisions.
    public var passage: String
    /// 1 for the first, +1 for each later evidence or resolution (absent before revisions existed).
    public var revision: Int?
    public var startedAt: Date
    public var endedAt: Date
    /// The evidence events joined, by id.
    public var events: [String]
    /// What the lane's devices should have given and did not (`plate`, `scan`, …).
    public var missing: [String]?
    public var alarmed: Bool?
    public var ambiguous: Bool?
    /// The revision (event id) this one replaces.
    public var supersedes: [String]?
    /// The portal's `radiation.occupancy` and `radiation.occupancy-start` event ids.
    public var occupancyEvent: String?
    public var entryEvent: String?
    public var gammaAlarm: Bool?
    public var neutronAlarm: Bool?
    /// A trace detector's sample of the vehicle alarmed (true) or was clear (false).
    public var traceAlarm: Bool?
    /// The scan result joined, and its verdict (`clear`, `suspect`, `inspect`, …).
    public var scanEvent: String?
    public var scanResult: String?
    /// Lane devices offline while the vehicle passed.
    public var devicesDown: [String]?
    public var ambiguities: [Ambiguity]?

    public init(
        passage: String, revision: Int?, startedAt: Date, endedAt: Date, events: [String], missing: [String]?,
        alarmed: Bool?, ambiguous: Bool?
    ) {
        self.passage = passage
        self.revision = revision
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.events = events
        self.missing = missing
        self.alarmed = alarmed
        self.ambiguous = ambiguous
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        passage = try f.string("passage")
        revision = try f.optionalInt("revision")
        startedAt = try f.date("startedAt")
        endedAt = try f.date("endedAt")
        events = try f.strings("events") ?? []
        missing = try f.strings("missing")
        alarmed = try f.optionalBool("alarmed")
        ambiguous = try f.optionalBool("ambiguous")
        supersedes = try f.strings("supersedes")
        occupancyEvent = try f.optionalString("occupancyEvent")
        entryEvent = try f.optionalString("entryEvent")
        gammaAlarm = try f.optionalBool("gammaAlarm")
        neutronAlarm = try f.optionalBool("neutronAlarm")
        traceAlarm = try f.optionalBool("traceAlarm")
        scanEvent = try f.optionalString("scanEvent")
        scanResult = try f.optionalString("scanResult")
        devicesDown = try f.strings("devicesDown")
        ambiguities = try NestedPayloadJSON.objects(&f, "ambiguities") { a in
            Ambiguity(event: try a.string("event"), candidates: try a.strings("candidates") ?? [], reason: try a.string("reason"))
        }
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var out: [String: JSONValue] = [
            "passage": .string(passage), "startedAt": .string(Timestamp.format(startedAt)),
            "endedAt": .string(Timestamp.format(endedAt)), "events": .array(events.map { .string($0) }),
        ]
        out.put("revision", revision)
        out.put("missing", missing)
        out.put("alarmed", alarmed)
        out.put("ambiguous", ambiguous)
        out.put("supersedes", supersedes)
        out.put("occupancyEvent", occupancyEvent)
        out.put("entryEvent", entryEvent)
        out.put("gammaAlarm", gammaAlarm)
        out.put("neutronAlarm", neutronAlarm)
        out.put("traceAlarm", traceAlarm)
        out.put("scanEvent", scanEvent)
        out.put("scanResult", scanResult)
        out.put("devicesDown", devicesDown)
        if let ambiguities {
            out["ambiguities"] = .array(ambiguities.map { a in
                .object(["event": .string(a.event), "candidates": .array(a.candidates.map { .string($0) }), "reason": .string(a.reason)])
            })
        }
        return out
    }

    public var payload: EventPayload { .passage(self) }
}

/// `gate.passage-resolution`: an operator said which passage a piece of evidence belongs to.
public struct PassageResolutionPayload: EventPayloadBody {
    public static let kinds = [EventKind.passageResolution]

    /// The evidence event's id, and the passage it belongs to.
    public var event: String
    public var passage: String
    /// The user who resolved it.
    public var resolvedBy: String
    /// The stored passage revisions (event ids) the resolution replaces.
    public var supersedes: [String]

    public init(event: String, passage: String, resolvedBy: String, supersedes: [String]) {
        self.event = event
        self.passage = passage
        self.resolvedBy = resolvedBy
        self.supersedes = supersedes
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        event = try f.string("event")
        passage = try f.string("passage")
        resolvedBy = try f.string("resolvedBy")
        supersedes = try f.strings("supersedes") ?? []
        try f.finish()
    }

    public var json: [String: JSONValue] {
        [
            "event": .string(event), "passage": .string(passage), "resolvedBy": .string(resolvedBy),
            "supersedes": .array(supersedes.map { .string($0) }),
        ]
    }

    public var payload: EventPayload { .passageResolution(self) }
}

extension InspectionEvent {
    /// The passage, when this is a typed `gate.passage`.
    public var passage: GatePassagePayload? {
        if case .passage(let p) = payload { p } else { nil }
    }

    /// The resolution, when this is a typed `gate.passage-resolution`.
    public var passageResolution: PassageResolutionPayload? {
        if case .passageResolution(let p) = payload { p } else { nil }
    }

    /// The passage revisions this event replaces (a passage's earlier revision, or those an
    /// operator's resolution replaced).
    public var supersededPassages: [String] {
        passage?.supersedes ?? passageResolution?.supersedes ?? []
    }
}
