import Foundation

/// The one record every device reading becomes: inspection event v1 (`niihub.event/1`).
///
/// Its JSON form is a contract other tools rely on (see `Schemas/inspection-event-v1.schema.json`);
/// extend it, never rename a member.
public struct InspectionEvent: Sendable, Equatable, Codable {
    /// The schema tag every v1 event carries.
    public static let schemaV1 = "niihub.event/1"

    /// The fields, in one immutable box that copies of the event share: an event is handed from the
    /// device's task to the store, the live feed and the correlation stages, and copying a dozen
    /// strings at each hand-off (a retain each) was 5 % of the hub's CPU under the seal load (`perf`,
    /// 2026-12-07). Changing a field makes a new box; events are built once and rarely changed.
    /// Fields are read through `_read`, which lends the boxed value in place: a `get` would hand out a
    /// copy (reading `event.device.id` would retain all three of the device's strings).
    private var box: Box

    /// Unique and sortable by arrival (a ULID).
    public var id: String {
        _read { yield box.fields.id }
        set { change { $0.id = newValue } }
    }
    public var schema: String {
        _read { yield box.fields.schema }
        set { change { $0.schema = newValue } }
    }
    /// Dotted family and what happened, e.g. `radiation.occupancy`.
    public var kind: String {
        _read { yield box.fields.kind }
        set { change { $0.kind = newValue } }
    }
    public var device: DeviceRef {
        _read { yield box.fields.device }
        set { change { $0.device = newValue } }
    }
    public var site: String? {
        _read { yield box.fields.site }
        set { change { $0.site = newValue } }
    }
    public var lane: String? {
        _read { yield box.fields.lane }
        set { change { $0.lane = newValue } }
    }
    /// From the device's clock where it has one, else the hub's.
    public var observedAt: Date {
        _read { yield box.fields.observedAt }
        set { change { $0.observedAt = newValue } }
    }
    /// The hub's clock when the last byte of the event's frames arrived.
    public var receivedAt: Date {
        _read { yield box.fields.receivedAt }
        set { change { $0.receivedAt = newValue } }
    }
    public var subject: Subject {
        _read { yield box.fields.subject }
        set { change { $0.subject = newValue } }
    }
    /// The kind's own fields, typed (`EventPayload`).
    public var payload: EventPayload {
        _read { yield box.fields.payload }
        set { change { $0.payload = newValue } }
    }
    /// The kind's own fields as the event JSON's `data` member, with the unit in the name
    /// (`gammaCps`, `speedKmh`, …): for the JSON edges only; everything else reads `payload`.
    /// Setting it reads the JSON again as `EventPayload(kind:json:)` does (tests that change one
    /// member of a stored form); code that builds events sets `payload`.
    public var data: [String: JSONValue] {
        get { payload.json }
        set { payload = EventPayload(kind: kind, json: newValue) }
    }
    public var severity: Severity {
        _read { yield box.fields.severity }
        set { change { $0.severity = newValue } }
    }
    public var raw: RawRef {
        _read { yield box.fields.raw }
        set { change { $0.raw = newValue } }
    }

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
        box = Box(
            Fields(
                id: id, schema: Self.schemaV1, kind: kind, device: device, site: site, lane: lane, observedAt: observedAt,
                receivedAt: receivedAt, subject: subject, payload: payload, severity: severity, raw: raw))
    }

    private mutating func change(_ edit: (inout Fields) -> Void) {
        var fields = box.fields
        edit(&fields)
        box = Box(fields)
    }

    public static func == (a: InspectionEvent, b: InspectionEvent) -> Bool {
        a.box === b.box || a.box.fields == b.box.fields
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private struct Fields: Sendable, Equatable {
        var id: String
        var schema: String
        var kind: String
        var device: DeviceRef
        var site: String?
        var lane: String?
        var observedAt: Date
        var receivedAt: Date
        var subject: Subject
        var payload: EventPayload
        var severity: Severity
        var raw: RawRef
    }

    enum CodingKeys: String, CodingKey {
        case id, schema, kind, device, site, lane, observedAt, receivedAt, subject, data, severity, raw
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Member by member in this order: the first one missing or wrong is the one an error names
        // (the forwarding API answers with it).
        let id = try c.decode(String.self, forKey: .id)
        let schema = try c.decode(String.self, forKey: .schema)
        let kind = try c.decode(String.self, forKey: .kind)
        let device = try c.decode(DeviceRef.self, forKey: .device)
        let site = try c.decodeIfPresent(String.self, forKey: .site)
        let lane = try c.decodeIfPresent(String.self, forKey: .lane)
        let observedAt = try Self.decodeDate(c, .observedAt)
        let receivedAt = try Self.decodeDate(c, .receivedAt)
        let subject = try c.decodeIfPresent(Subject.self, forKey: .subject) ?? Subject()
        let payload = EventPayload(kind: kind, json: try c.decode([String: JSONValue].self, forKey: .data))
        let severity = try c.decode(Severity.self, forKey: .severity)
        let raw = try c.decode(RawRef.self, forKey: .raw)
        box = Box(
            Fields(
                id: id, schema: schema, kind: kind, device: device, site: site, lane: lane, observedAt: observedAt,
                receivedAt: receivedAt, subject: subject, payload: payload, severity: severity, raw: raw))
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
