/// Writes an inspection event as JSON by hand, byte for byte what `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` writes (keys in UTF-8 byte order, doubles as their
/// shortest description without a trailing `.0`, strings escaped as it escapes them), several
/// times faster: encoding is most of the cost of a small frame on the ingest path and in
/// `niihub decode`. A test holds it to `JSONEncoder`'s output over every corpus.
///
/// Typed payloads with a writer of their own (`gps.fix`) go straight from their fields to bytes;
/// the others through their `data` dictionary. Times and numbers are written into the bytes
/// directly, so a line costs no intermediate strings.
struct EventJSONWriter {
    var bytes: [UInt8]

    init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Continues `bytes`: a caller writing many lines into one buffer lends it (no buffer per line).
    init(continuing bytes: consuming [UInt8]) { self.bytes = bytes }

    mutating func write(_ e: InspectionEvent) {
        // Members in sorted order: data, device, id, kind, lane, observedAt, raw, receivedAt,
        // schema, severity, site, subject (site and lane only when present).
        raw("{\"data\":")
        write(e.payload)
        raw(",\"device\":{\"family\":")
        string(e.device.family)
        raw(",\"id\":")
        string(e.device.id)
        raw(",\"profile\":")
        string(e.device.profile)
        raw("},\"id\":")
        string(e.id)
        raw(",\"kind\":")
        string(e.kind)
        if let lane = e.lane {
            raw(",\"lane\":")
            string(lane)
        }
        // Times need no escaping: their digits go straight in between the quotes.
        raw(",\"observedAt\":\"")
        Timestamp.append(e.observedAt, to: &bytes)
        raw("\",\"raw\":{\"format\":")
        string(e.raw.format)
        raw(",\"sha256\":")
        string(e.raw.sha256)
        raw("},\"receivedAt\":\"")
        Timestamp.append(e.receivedAt, to: &bytes)
        raw("\",\"schema\":")
        string(e.schema)
        raw(",\"severity\":")
        string(e.severity.rawValue)
        if let site = e.site {
            raw(",\"site\":")
            string(site)
        }
        raw(",\"subject\":")
        write(e.subject)
        bytes.append(UInt8(ascii: "}"))
    }

    /// The `data` member: from the typed fields where the payload has a writer, else its dictionary.
    private mutating func write(_ payload: EventPayload) {
        switch payload {
        case .gpsFix(let p): write(p)
        default: write(payload.json)
        }
    }

    private mutating func write(_ s: Subject) {
        var first = true
        func key(_ k: StaticString, _ w: inout EventJSONWriter) {
            w.bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            w.raw(k)
        }
        if let c = s.containers { key("\"containers\":", &self); strings(c) }
        if let d = s.declaration { key("\"declaration\":", &self); string(d) }
        if let p = s.plates { key("\"plates\":", &self); strings(p) }
        if let x = s.seals { key("\"seals\":", &self); strings(x) }
        if let u = s.ucr { key("\"ucr\":", &self); string(u) }
        if first { bytes.append(UInt8(ascii: "{")) }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func strings(_ list: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func write(_ object: [String: JSONValue]) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (k, v) in object.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            string(k)
            bytes.append(UInt8(ascii: ":"))
            write(v)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func write(_ v: JSONValue) {
        switch v {
        case .null: raw("null")
        case .bool(let b): raw(b ? "true" : "false")
        case .int(let i): integer(i)
        case .double(let d): number(d)
        case .string(let s): string(s)
        case .array(let a):
            bytes.append(UInt8(ascii: "["))
            for (i, x) in a.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(x)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let o): write(o)
        }
    }

    /// Text known to need no escaping (member names with their quotes, punctuation, literals).
    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Most strings (ids, kinds, hashes) need no escape: checked and copied whole.
            var clean = true
            for c in utf8 where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                clean = false
                break
            }
            if clean {
                bytes.append(contentsOf: utf8)
            } else {
                escape(utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>) {
        for c in utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes += [92, 34]
            case UInt8(ascii: "\\"): bytes += [92, 92]
            case 0x0A: bytes += [92, UInt8(ascii: "n")]
            case 0x0D: bytes += [92, UInt8(ascii: "r")]
            case 0x09: bytes += [92, UInt8(ascii: "t")]
            case 0x08: bytes += [92, UInt8(ascii: "b")]
            case 0x0C: bytes += [92, UInt8(ascii: "f")]
            case 0..<0x20: bytes += [92, UInt8(ascii: "u"), 48, 48, Self.hex[Int(c >> 4)], Self.hex[Int(c & 0xF)]]
            default: bytes.append(c)
            }
        }
    }
}
