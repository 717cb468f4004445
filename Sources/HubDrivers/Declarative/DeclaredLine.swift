import Foundation
import HubModel

/// One line of a profile-described protocol (`LineSchema`), read into typed values and then into
/// the reading its event mapping says. Pure: the same bytes and schema always give the same answer.
///
/// A line is garbage when it is not printable UTF-8 text or lacks the schema's `prefix`; it is
/// malformed when its shape (field count, pairs, JSON object) or a field's value does not fit the
/// schema, or a required field is missing. Fields a key-value or JSON line carries beyond the
/// schema are ignored (they stay in the raw archive).
public enum DeclaredLine {
    /// A field's value as its type reads it.
    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Double)
        case boolean(Bool)
        case time(Date)

        /// The value as text (what a text role such as `substance` takes from any field).
        public var text: String {
            switch self {
            case .text(let s): s
            case .number(let d): DeclaredLine.numberText(d)
            case .boolean(let b): b ? "true" : "false"
            case .time(let t): Timestamp.format(t)
            }
        }
    }

    /// Why a line gave no reading.
    public enum Problem: Error, Sendable, Equatable {
        /// Not this device's text (binary noise, another protocol, a missing prefix).
        case garbage
        /// This protocol's shape, but the named part does not fit the schema.
        case malformed(String)
    }

    /// Longest text any field may hold: an identifier or a substance name, never a document.
    public static let maxTextLength = 128

    /// The line's values by field name; absent and empty fields are left out.
    public static func values(_ content: ArraySlice<UInt8>, schema: LineSchema, utcOffsetSeconds: Int = 0)
        -> Result<[String: Value], Problem>
    {
        guard content.allSatisfy({ ($0 >= 32 && $0 != 127) || $0 == 9 }),
            let line = String(validating: content, as: UTF8.self), line.hasPrefix(schema.prefix)
        else { return .failure(.garbage) }
        let raw: [String: RawValue]
        switch split(line.dropFirst(schema.prefix.count), schema: schema) {
        case .success(let r): raw = r
        case .failure(let p): return .failure(p)
        }
        var out: [String: Value] = [:]
        for field in schema.fields {
            guard let r = raw[field.name], !r.isEmpty else {
                if field.required { return .failure(.malformed(field.name)) }
                continue
            }
            guard let v = read(r, as: field, utcOffsetSeconds: utcOffsetSeconds) else {
                return .failure(.malformed(field.name))
            }
            out[field.name] = v
        }
        return .success(out)
    }

    /// The reading a line gives under `schema`'s event mapping.
    public static func parse(_ content: ArraySlice<UInt8>, schema: LineSchema, utcOffsetSeconds: Int = 0)
        -> Result<DeviceReading, Problem>
    {
        let values: [String: Value]
        switch Self.values(content, schema: schema, utcOffsetSeconds: utcOffsetSeconds) {
        case .success(let v): values = v
        case .failure(let p): return .failure(p)
        }
        let m = schema.event
        guard let alarmValue = values[m.alarm] else { return .failure(.malformed(m.alarm)) }
        let alarm: Bool
        if case .boolean(let b) = alarmValue {
            alarm = b
        } else {
            let word = alarmValue.text.lowercased()
            alarm = m.alarmValues.contains { $0.lowercased() == word }
        }
        var observedAt: Date?
        if let name = m.time, case .time(let t)? = values[name] { observedAt = t }
        switch m.kind {
        case .trace:
            var r = TraceReading(observedAt: observedAt, alarm: alarm)
            let text = { (name: String?) in name.flatMap { values[$0]?.text } }
            r.substance = text(m.substance)
            r.channel = text(m.channel)
            if let name = m.amplitude, case .number(let a)? = values[name] {
                r.amplitude = a
                r.amplitudeUnit = schema.field(name)?.unit
            }
            r.containers = text(m.containers).map { [$0] } ?? []
            r.plates = text(m.plates).map { [$0] } ?? []
            r.seals = text(m.seals).map { [$0] } ?? []
            r.lane = text(m.lane)
            return .success(.trace(r))
        }
    }

    /// A number as a device would write it: whole numbers without a fraction.
    static func numberText(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    // MARK: - Splitting

    /// A field as the line gave it: text, or a JSON number or boolean as it was.
    enum RawValue: Equatable {
        case text(String)
        case number(Double)
        case boolean(Bool)

        var isEmpty: Bool { if case .text(let s) = self { s.isEmpty } else { false } }

        var text: String {
            switch self {
            case .text(let s): s
            case .number(let d): DeclaredLine.numberText(d)
            case .boolean(let b): b ? "true" : "false"
            }
        }
    }

    static func split(_ body: Substring, schema: LineSchema) -> Result<[String: RawValue], Problem> {
        var out: [String: RawValue] = [:]
        switch schema.format {
        case .csv:
            let parts = body.split(separator: schema.delimiter, omittingEmptySubsequences: false)
            // Trailing optional fields may be left off; more fields than the schema names is another shape.
            let least = (schema.fields.lastIndex { $0.required } ?? -1) + 1
            guard parts.count >= least, parts.count <= schema.fields.count else {
                return .failure(.malformed("field count \(parts.count)"))
            }
            for (field, part) in zip(schema.fields, parts) {
                out[field.name] = .text(part.trimmingCharacters(in: .whitespaces))
            }
        case .keyValue:
            for pair in body.split(separator: schema.delimiter) {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                guard let eq = trimmed.firstIndex(of: schema.separator) else {
                    return .failure(.malformed("pair '\(trimmed.prefix(32))'"))
                }
                let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
                guard out[key] == nil else { return .failure(.malformed("repeated \(key.prefix(32))")) }
                out[key] = .text(trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces))
            }
        case .json:
            guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(body.utf8)) else {
                return .failure(.malformed("JSON object"))
            }
            for field in schema.fields {
                switch object[field.name] {
                case nil, .null?: continue
                case .string(let s)?: out[field.name] = .text(s.trimmingCharacters(in: .whitespaces))
                case .int(let i)?: out[field.name] = .number(Double(i))
                case .double(let d)?: out[field.name] = .number(d)
                case .bool(let b)?: out[field.name] = .boolean(b)
                case .array?, .object?: return .failure(.malformed(field.name))
                }
            }
        }
        return .success(out)
    }

    // MARK: - Typed values

    static func read(_ raw: RawValue, as field: LineSchema.Field, utcOffsetSeconds: Int) -> Value? {
        switch (field.type, raw) {
        case (.text, let r):
            return r.text.count <= maxTextLength ? .text(r.text) : nil
        case (.integer, .text(let s)):
            return Int64(s).map { .number(Double($0) * field.scale) }
        case (.integer, .number(let d)):
            return d == d.rounded() ? .number(d * field.scale) : nil
        case (.number, .text(let s)):
            guard let d = Double(s), d.isFinite else { return nil }
            return .number(d * field.scale)
        case (.number, .number(let d)):
            return .number(d * field.scale)
        case (.boolean, .boolean(let b)):
            return .boolean(b)
        case (.boolean, .text(let s)):
            let w = s.lowercased()
            if field.trueWords.contains(where: { $0.lowercased() == w }) { return .boolean(true) }
            if field.falseWords.contains(where: { $0.lowercased() == w }) { return .boolean(false) }
            return nil
        case (.time, .text(let s)):
            return time(s, field.timeFormat, utcOffsetSeconds: utcOffsetSeconds).map { .time($0) }
        case (.time, .number(let d)):
            return time(String(d), field.timeFormat, utcOffsetSeconds: utcOffsetSeconds).map { .time($0) }
        default:
            return nil
        }
    }

    static func time(_ s: String, _ format: LineSchema.TimeFormat, utcOffsetSeconds: Int) -> Date? {
        switch format {
        case .rfc3339:
            if let t = Timestamp.parse(s) { return t }
            // No zone: the device's local clock.
            return Timestamp.parse(s + "Z")?.addingTimeInterval(-Double(utcOffsetSeconds))
        case .epochSeconds:
            guard let v = Double(s), v.isFinite, v >= 0, v < 1e11 else { return nil }
            return Date(timeIntervalSince1970: v)
        case .epochMilliseconds:
            guard let v = Double(s), v.isFinite, v >= 0, v < 1e14 else { return nil }
            return Date(timeIntervalSince1970: v / 1000)
        }
    }
}
