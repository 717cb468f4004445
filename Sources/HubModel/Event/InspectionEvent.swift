import Foundation

/// The one record every device reading becomes: inspection event v1 (`niihub.event/1`).
///
/// Its JSON form is a contract other tools rely on (see `Schemas/inspection-event-v1.schema.json`);
/// extend it, never rename a member.
public struct InspectionEvent: Sendable, Equatable, Codable {
    /// The schema tag every v1 event carries.
    public static let schemaV1 = "niihub.event/1"

    /// Unique and sortable by arrival (a ULID).
    public var id: String
    public var schema: String
    /// Dotted family and what happened, e.g. `radiation.occupancy`.
    public var kind: String
    public var device: DeviceRef
    public var site: String?
    public var lane: String?
    /// From the device's clock where it has one, else the hub's.
    public var observedAt: Date
    /// The hub's clock when the last byte of the event's frames arrived.
    public var receivedAt: Date
    public var subject: Subject
    /// The kind's own fields, typed (`EventPayload`).
    public var payload: EventPayload
    /// The kind's own fields as the event JSON's `data` member, with the unit in the name
    /// (`gammaCps`, `speedKmh`, …): for the JSON edges only; everything else reads `payload`.
    /// Setting it reads the JSON again as `EventPayload(kind:json:)` does (tests that change one
    /// member of a stored form); code that builds events sets `payload`.
    public var data: [String: JSONValue] {
        get { payload.json }
        set { payload = EventPayload(kind: kind, json: newValue) }
    }
    public var severity: Severity
    public var raw: RawRef

    /// An event whose fields come as the JSON `data` member (a stored or received event).
    public init(
        id: String, kind: String, device: DeviceRef, site: String?, lane: String?, observedAt: Date,
        receivedAt: Date, subject: Subject = Subject(), data: [String: JSONValue], severity: Severity, raw: RawRef
    ) {
        self.init(
            id: id, kind: kind, device: device, site: site, lane: lane, observedAt: observedAt, receivedAt: receivedAt,
            subject: subject, payload: EventPayload(kind: kind, json: data), severity: severity, raw: raw)
    }

    public init(
        id: String, kind: String, device: DeviceRef, site: String?, lane: String?, observedAt: Date,
        receivedAt: Date, subject: Subject = Subject(), payload: EventPayload, severity: Severity, raw: RawRef
    ) {
        self.id = id
        self.schema = Self.schemaV1
        self.kind = kind
        self.device = device
        self.site = site
        self.lane = lane
        self.observedAt = observedAt
        self.receivedAt = receivedAt
        self.subject = subject
        self.payload = payload
        self.severity = severity
        self.raw = raw
    }

    enum CodingKeys: String, CodingKey {
        case id, schema, kind, device, site, lane, observedAt, receivedAt, subject, data, severity, raw
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        schema = try c.decode(String.self, forKey: .schema)
        kind = try c.decode(String.self, forKey: .kind)
        device = try c.decode(DeviceRef.self, forKey: .device)
        site = try c.decodeIfPresent(String.self, forKey: .site)
        lane = try c.decodeIfPresent(String.self, forKey: .lane)
        observedAt = try Self.decodeDate(c, .observedAt)
        receivedAt = try Self.decodeDate(c, .receivedAt)
        subject = try c.decodeIfPresent(Subject.self, forKey: .subject) ?? Subject()
        payload = EventPayload(kind: kind, json: try c.decode([String: JSONValue].self, forKey: .data))
        severity = try c.decode(Severity.self, forKey: .severity)
        raw = try c.decode(RawRef.self, forKey: .raw)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(schema, forKey: .schema)
        try c.encode(kind, forKey: .kind)
        try c.encode(device, forKey: .device)
        try c.encodeIfPresent(site, forKey: .site)
        try c.encodeIfPresent(lane, forKey: .lane)
        try c.encode(Timestamp.format(observedAt), forKey: .observedAt)
        try c.encode(Timestamp.format(receivedAt), forKey: .receivedAt)
        try c.encode(subject, forKey: .subject)
        try c.encode(data, forKey: .data)
        try c.encode(severity, forKey: .severity)
        try c.encode(raw, forKey: .raw)
    }

    private static func decodeDate(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
        let text = try c.decode(String.self, forKey: key)
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not RFC 3339: \(text)")
        }
        return date
    }

    /// The event as one line of JSON with sorted keys, the form `niihub decode` prints and the store keeps.
    /// Written by `EventJSONWriter`, byte for byte what `JSONEncoder` with sorted keys writes.
    public func jsonLine() throws -> String {
        String(decoding: jsonBytes(), as: UTF8.self)
    }

    /// The event's JSON line as UTF-8 bytes (no newline), for writers that want bytes.
    public func jsonBytes() -> [UInt8] {
        var w = EventJSONWriter()
        w.write(self)
        return w.bytes
    }

    /// Appends the event's JSON line (no newline) to `out`: the same bytes as `jsonBytes()`, for a
    /// writer of many lines that keeps one buffer instead of one array per event.
    public func appendJSON(to out: inout [UInt8]) {
        var w = EventJSONWriter(continuing: [])
        swap(&w.bytes, &out)
        w.write(self)
        swap(&w.bytes, &out)
    }
}

/// Which device an event came from.
public struct DeviceRef: Sendable, Hashable, Codable {
    public var id: String
    public var profile: String
    public var family: String

    public init(id: String, profile: String, family: String) {
        self.id = id
        self.profile = profile
        self.family = family
    }
}

/// The identifiers an event speaks of; correlation links events to declarations through them.
public struct Subject: Sendable, Hashable, Codable {
    public var containers: [String]?
    public var seals: [String]?
    public var plates: [String]?
    public var ucr: String?
    public var declaration: String?

    public init(
        containers: [String]? = nil, seals: [String]? = nil, plates: [String]? = nil, ucr: String? = nil,
        declaration: String? = nil
    ) {
        self.containers = containers
        self.seals = seals
        self.plates = plates
        self.ucr = ucr
        self.declaration = declaration
    }
}

/// How urgently a person should look.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, warning, alarm

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .alarm: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// Points at the raw archive record holding the exact bytes an event was derived from.
public struct RawRef: Sendable, Hashable, Codable {
    /// Hex SHA-256 of the record's bytes.
    public var sha256: String
    /// How the bytes are framed, e.g. `rapiscan-lines`.
    public var format: String

    public init(sha256: String, format: String) {
        self.sha256 = sha256
        self.format = format
    }
}
