import Foundation
import HubModel

/// Writes lines the way a device described by a `LineSchema` sends them: what `niisim trace`
/// plays, and what the parser's tests feed back through `DeclaredLine`.
public enum DeclaredLineEncoder {
    /// One line, terminator included, from values as text by field name; fields without a value
    /// are left empty (CSV) or out (key-value, JSON). Number fields go into JSON as numbers.
    public static func encode(_ values: [String: String], schema: LineSchema) -> [UInt8] {
        var body: String
        switch schema.format {
        case .csv:
            var parts = schema.fields.map { values[$0.name] ?? "" }
            // Trailing optional fields without a value are left off, as devices do.
            while let last = parts.last, last.isEmpty, parts.count > (schema.fields.lastIndex { $0.required } ?? -1) + 1 {
                parts.removeLast()
            }
            body = parts.joined(separator: String(schema.delimiter))
        case .keyValue:
            body = schema.fields.compactMap { f in values[f.name].map { "\(f.name)\(schema.separator)\($0)" } }
                .joined(separator: String(schema.delimiter))
        case .json:
            var object: [String: JSONValue] = [:]
            for f in schema.fields {
                guard let v = values[f.name] else { continue }
                if f.type == .number || f.type == .integer, let d = Double(v) {
                    object[f.name] = d == d.rounded() && abs(d) < 1e15 ? .int(Int64(d)) : .double(d)
                } else {
                    object[f.name] = .string(v)
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            body = String(decoding: (try? encoder.encode(object)) ?? Data("{}".utf8), as: UTF8.self)
        }
        return Array((schema.prefix + body).utf8) + schema.lineEnding.bytes
    }
}
