import Foundation

/// Reading and writing the lists and nested objects of the radiation, scan and OCR payloads: each
/// nested object is read with its own `PayloadFields`, so a member it does not know throws too.
enum NestedPayloadJSON {
    /// A list of numbers (`nil` when the member is absent).
    static func doubles(_ f: inout PayloadFields, _ key: String) throws -> [Double]? {
        try list(&f, key) { v in
            guard let d = v.doubleValue else { throw PayloadError(field: key, reason: "not a list of numbers") }
            return d
        }
    }

    /// A list of integers.
    static func ints(_ f: inout PayloadFields, _ key: String) throws -> [Int]? {
        try list(&f, key) { v in
            guard case .int(let i) = v else { throw PayloadError(field: key, reason: "not a list of integers") }
            return Int(i)
        }
    }

    /// A list of objects, each read by `read`.
    static func objects<T>(_ f: inout PayloadFields, _ key: String, _ read: (inout PayloadFields) throws -> T) throws
        -> [T]?
    {
        try list(&f, key) { v in try object(v, key, read) }
    }

    /// One nested object read by `read` (`nil` when the member is absent).
    static func object<T>(_ f: inout PayloadFields, _ key: String, _ read: (inout PayloadFields) throws -> T) throws -> T? {
        guard let v = f.raw(key) else { return nil }
        return try object(v, key, read)
    }

    private static func object<T>(_ v: JSONValue, _ key: String, _ read: (inout PayloadFields) throws -> T) throws -> T {
        guard case .object(let o) = v else { throw PayloadError(field: key, reason: "not an object") }
        var inner = PayloadFields(o)
        do {
            let out = try read(&inner)
            try inner.finish()
            return out
        } catch let e as PayloadError {
            throw PayloadError(field: "\(key).\(e.field)", reason: e.reason)
        }
    }

    private static func list<T>(_ f: inout PayloadFields, _ key: String, _ item: (JSONValue) throws -> T) throws -> [T]? {
        guard let v = f.raw(key) else { return nil }
        guard case .array(let a) = v else { throw PayloadError(field: key, reason: "not a list") }
        return try a.map(item)
    }

    /// A number the way the hub writes counts: an integer when it is one.
    static func count(_ d: Double) -> JSONValue { d == d.rounded() && abs(d) < 1e15 ? .int(Int64(d)) : .double(d) }
}
