import Foundation

/// Reads the members of an event's `data` object for a payload type's `init(json:)`: each getter
/// names the member it wants and throws `PayloadError` when it is missing or of another type, and
/// `finish()` refuses a member nobody read (so a typed payload never drops what a store holds).
public struct PayloadFields {
    private let json: [String: JSONValue]
    private var read: Set<String> = []

    public init(_ json: [String: JSONValue]) { self.json = json }

    private mutating func value(_ key: String) -> JSONValue? {
        read.insert(key)
        guard let v = json[key], v != .null else { return nil }
        return v
    }

    private func missing(_ key: String) -> PayloadError { PayloadError(field: key, reason: "missing") }

    private func wrong(_ key: String, _ want: String) -> PayloadError {
        PayloadError(field: key, reason: "not \(want)")
    }

    public mutating func string(_ key: String) throws -> String {
        guard let s = try optionalString(key) else { throw missing(key) }
        return s
    }

    public mutating func optionalString(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw wrong(key, "a string") }
        return s
    }

    public mutating func double(_ key: String) throws -> Double {
        guard let d = try optionalDouble(key) else { throw missing(key) }
        return d
    }

    /// A number (JSON does not tell 5 from 5.0; the event writer prints both as `5`).
    public mutating func optionalDouble(_ key: String) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue else { throw wrong(key, "a number") }
        return d
    }

    public mutating func int(_ key: String) throws -> Int {
        guard let i = try optionalInt(key) else { throw missing(key) }
        return i
    }

    public mutating func optionalInt(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        switch v {
        case .int(let i): return Int(i)
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: return Int(d)
        default: throw wrong(key, "an integer")
        }
    }

    public mutating func bool(_ key: String) throws -> Bool {
        guard let b = try optionalBool(key) else { throw missing(key) }
        return b
    }

    public mutating func optionalBool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw wrong(key, "true or false") }
        return b
    }

    /// An RFC 3339 time, as the event JSON writes every time.
    public mutating func date(_ key: String) throws -> Date {
        guard let d = try optionalDate(key) else { throw missing(key) }
        return d
    }

    public mutating func optionalDate(_ key: String) throws -> Date? {
        guard let s = try optionalString(key) else { return nil }
        guard let d = Timestamp.parse(s) else { throw wrong(key, "an RFC 3339 time") }
        return d
    }

    /// One of an enum's raw values.
    public mutating func value<T: RawRepresentable>(_ key: String, as: T.Type) throws -> T where T.RawValue == String {
        guard let v = try optionalValue(key, as: T.self) else { throw missing(key) }
        return v
    }

    public mutating func optionalValue<T: RawRepresentable>(_ key: String, as: T.Type) throws -> T?
    where T.RawValue == String {
        guard let s = try optionalString(key) else { return nil }
        guard let v = T(rawValue: s) else { throw wrong(key, "one of the known values (\(s))") }
        return v
    }

    public mutating func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        guard case .array(let a) = v else { throw wrong(key, "a list") }
        return try a.map {
            guard case .string(let s) = $0 else { throw wrong(key, "a list of strings") }
            return s
        }
    }

    /// A member kept as JSON (a nested object or list whose shape is the device's own).
    public mutating func raw(_ key: String) -> JSONValue? { value(key) }

    /// Throws when `data` holds a member no getter asked for.
    public func finish() throws {
        if let extra = json.keys.filter({ !read.contains($0) }).min() {
            throw PayloadError(field: extra, reason: "not a member of this kind")
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Sets `key` when `value` is present (a payload's optional member is absent, never null).
    public mutating func put(_ key: String, _ value: Double?) { if let value { self[key] = .double(value) } }
    public mutating func put(_ key: String, _ value: Int?) { if let value { self[key] = .int(Int64(value)) } }
    public mutating func put(_ key: String, _ value: String?) { if let value { self[key] = .string(value) } }
    public mutating func put(_ key: String, _ value: Bool?) { if let value { self[key] = .bool(value) } }
    public mutating func put(_ key: String, _ value: Date?) {
        if let value { self[key] = .string(Timestamp.format(value)) }
    }
    public mutating func put<T: RawRepresentable>(_ key: String, _ value: T?) where T.RawValue == String {
        if let value { self[key] = .string(value.rawValue) }
    }
    public mutating func put(_ key: String, _ value: [String]?) {
        if let value { self[key] = .array(value.map { .string($0) }) }
    }
}

extension JSONValue {
    /// Equal as JSON text: numbers compare by value, since the event writer prints `5` for both
    /// `.int(5)` and `.double(5)` and a stored `5` reads back as an integer.
    public func sameJSON(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.int, .double), (.double, .int), (.double, .double): doubleValue == other.doubleValue
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.sameJSON(as: $1) }
        case (.object(let a), .object(let b)): Self.sameJSON(a, b)
        default: self == other
        }
    }

    /// Two `data` objects equal as JSON text.
    public static func sameJSON(_ a: [String: JSONValue], _ b: [String: JSONValue]) -> Bool {
        a.count == b.count && a.allSatisfy { k, v in b[k].map { v.sameJSON(as: $0) } ?? false }
    }
}
