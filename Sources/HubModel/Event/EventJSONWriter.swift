/// Writes an inspection event as JSON by hand, byte for byte what `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` writes (keys in UTF-8 byte order, doubles as their
/// shortest description without a trailing `.0`, strings escaped as it escapes them), several
/// times faster: encoding is most of the cost of a small frame on the ingest path and in
/// `niihub decode`. A test holds it to `JSONEncoder`'s output over every corpus.
struct EventJSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    mutating func write(_ e: InspectionEvent) {
        // Members in sorted order: data, device, id, kind, lane, observedAt, raw, receivedAt,
        // schema, severity, site, subject (site and lane only when present).
        raw("{\"data\":")
        write(e.data)
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
        raw(",\"observedAt\":")
        string(Timestamp.format(e.observedAt))
        raw(",\"raw\":{\"format\":")
        string(e.raw.format)
        raw(",\"sha256\":")
        string(e.raw.sha256)
        raw("},\"receivedAt\":")
        string(Timestamp.format(e.receivedAt))
        raw(",\"schema\":")
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

    private mutating func write(_ s: Subject) {
        var first = true
        func key(_ k: String, _ w: inout EventJSONWriter) {
            w.bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            w.string(k)
            w.bytes.append(UInt8(ascii: ":"))
        }
        if let c = s.containers { key("containers", &self); strings(c) }
        if let d = s.declaration { key("declaration", &self); string(d) }
        if let p = s.plates { key("plates", &self); strings(p) }
        if let x = s.seals { key("seals", &self); strings(x) }
        if let u = s.ucr { key("ucr", &self); string(u) }
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

    private mutating func write(_ object: [String: JSONValue]) {
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
        case .int(let i): raw(String(i))
        case .double(let d):
            // JSONEncoder writes a double's description, less a trailing ".0"; JSONValue sends
            // non-finite values as null.
            guard d.isFinite else { return raw("null") }
            var text = d.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            raw(text)
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

    private mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, kinds, hashes, times) need no escape: copied whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: s.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for c in s.utf8 {
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
        bytes.append(UInt8(ascii: "\""))
    }
}
