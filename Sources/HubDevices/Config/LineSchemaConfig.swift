import Foundation
import HubModel

/// A profile's `line:` section: a line protocol described field by field (`LineSchema`), checked as
/// it is read so that every mistake names its file, line and field (a mapping naming a field the
/// line does not have, a time role on a number, a delimiter of two characters).
struct LineSchemaConfig: Decodable {
    var schema: LineSchema

    enum CodingKeys: String, CodingKey, CaseIterable { case format, delimiter, separator, lineEnding, prefix, fields, event }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format: LineSchema.Format = try c.decodeChoice(forKey: .format)
        let oneMark = { (s: String) in s.count == 1 && !(s.first!.isLetter || s.first!.isNumber || s == "\"") }
        let markWords = "one character that is not a letter, digit or quote"
        let delimiter = try c.decode(String.self, forKey: .delimiter, default: ",", where: oneMark, expected: markWords)
        let separator = try c.decode(String.self, forKey: .separator, default: "=", where: oneMark, expected: markWords)
        if format == .keyValue, delimiter == separator {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.separator], message: "must differ from the delimiter '\(delimiter)'")
        }
        let lineEnding: LineSchema.LineEnding = try c.decodeChoice(forKey: .lineEnding, default: .crlf)
        let prefix = try c.decode(
            String.self, forKey: .prefix, default: "", where: { $0.count <= 32 && $0.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 } },
            expected: "at most 32 printable ASCII characters")
        let fields = try c.decode([FieldConfig].self, forKey: .fields).map(\.field)
        guard (1...64).contains(fields.count) else {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.fields], message: "expected 1 to 64 fields, got \(fields.count)")
        }
        var seen: Set<String> = []
        for (i, f) in fields.enumerated() where !seen.insert(f.name).inserted {
            throw InvalidValue(
                codingPath: c.codingPath + [CodingKeys.fields, IndexKey(i), FieldConfig.CodingKeys.name],
                message: "field '\(f.name)' is named twice")
        }
        let event = try c.decode(EventConfig.self, forKey: .event).mapping
        try Self.check(event, fields: fields, at: c.codingPath + [CodingKeys.event])
        schema = LineSchema(
            format: format, delimiter: delimiter.first!, separator: separator.first!, lineEnding: lineEnding, prefix: prefix,
            fields: fields, event: event)
    }

    /// The event mapping names fields the line has, each of a type its role can use.
    static func check(_ m: LineSchema.EventMapping, fields: [LineSchema.Field], at path: [any CodingKey]) throws {
        let names = fields.map(\.name).joined(separator: ", ")
        for (role, name) in m.roles {
            let keyPath = path + EventConfig.place(of: role)
            guard let field = fields.first(where: { $0.name == name }) else {
                throw InvalidValue(codingPath: keyPath, message: "expected one of the line's fields (\(names)), got '\(name)'")
            }
            switch role {
            case "time" where field.type != .time:
                throw InvalidValue(codingPath: keyPath, message: "field '\(name)' is \(field.type.rawValue); the time must be a field of type time")
            case "amplitude" where field.type != .number && field.type != .integer:
                throw InvalidValue(codingPath: keyPath, message: "field '\(name)' is \(field.type.rawValue); the amplitude must be a number or integer field")
            case "alarm" where field.type != .boolean && m.alarmValues.isEmpty:
                throw InvalidValue(
                    codingPath: path + [EventConfig.CodingKeys.alarmValues],
                    message: "required when the alarm field '\(name)' is \(field.type.rawValue): the values that mean alarm")
            default: break
            }
        }
    }

    struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(_ i: Int) { intValue = i }
        init?(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}

/// One entry of `line.fields`.
struct FieldConfig: Decodable {
    var field: LineSchema.Field

    enum CodingKeys: String, CodingKey, CaseIterable { case name, type, unit, scale, required, format, trueWords, falseWords }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .name, where: Identifier.isValid, expected: Identifier.expected)
        let type: LineSchema.FieldType = try c.decodeChoice(forKey: .type)
        field = LineSchema.Field(name: name, type: type)
        field.unit = try c.decodeIfPresent(
            String.self, forKey: .unit, where: { !$0.isEmpty && $0.count <= 16 }, expected: "a unit of 1 to 16 characters")
        field.scale = try c.decode(
            Double.self, forKey: .scale, default: 1, where: { $0.isFinite && $0 != 0 }, expected: "a number other than 0")
        field.required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        if (field.unit != nil || c.contains(.scale)), type != .number, type != .integer {
            throw InvalidValue(codingPath: c.codingPath + [c.contains(.unit) ? CodingKeys.unit : .scale], message: "only number and integer fields have a unit or scale")
        }
        if c.contains(.format) {
            guard type == .time else {
                throw InvalidValue(codingPath: c.codingPath + [CodingKeys.format], message: "only time fields have a format")
            }
            field.timeFormat = try c.decodeChoice(forKey: .format)
        }
        for key in [CodingKeys.trueWords, .falseWords] where c.contains(key) {
            guard type == .boolean else {
                throw InvalidValue(codingPath: c.codingPath + [key], message: "only boolean fields have \(key.stringValue)")
            }
            let words = try c.decode([String].self, forKey: key, where: { !$0.isEmpty }, expected: "at least one word")
            if key == .trueWords { field.trueWords = words } else { field.falseWords = words }
        }
    }
}

/// `line.event`: which fields make the event.
struct EventConfig: Decodable {
    var mapping: LineSchema.EventMapping

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, time, alarm, alarmValues, subject, lane, data }
    enum SubjectKeys: String, CodingKey, CaseIterable { case containers, plates, seals }
    enum DataKeys: String, CodingKey, CaseIterable { case substance, channel, amplitude }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mapping = LineSchema.EventMapping(
            kind: try c.decodeChoice(forKey: .kind), alarm: try c.decode(String.self, forKey: .alarm),
            alarmValues: try c.decodeIfPresent([String].self, forKey: .alarmValues) ?? [])
        mapping.time = try c.decodeIfPresent(String.self, forKey: .time)
        mapping.lane = try c.decodeIfPresent(String.self, forKey: .lane)
        let subject = try c.decodeIfPresent(FieldNames<SubjectKeys>.self, forKey: .subject)?.names ?? [:]
        mapping.containers = subject[.containers]
        mapping.plates = subject[.plates]
        mapping.seals = subject[.seals]
        let data = try c.decodeIfPresent(FieldNames<DataKeys>.self, forKey: .data)?.names ?? [:]
        mapping.substance = data[.substance]
        mapping.channel = data[.channel]
        mapping.amplitude = data[.amplitude]
    }

    /// `event.subject` and `event.data`: which field plays each role, by the role's key.
    struct FieldNames<K: CodingKey & CaseIterable & Hashable>: Decodable {
        var names: [K: String] = [:]

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(K.self)
            let c = try decoder.container(keyedBy: K.self)
            for key in K.allCases { names[key] = try c.decodeIfPresent(String.self, forKey: key) }
        }
    }

    /// Where a role is written under `event:` (`subject.containers`, `data.amplitude`, `alarm`).
    static func place(of role: String) -> [any CodingKey] {
        if let k = SubjectKeys(rawValue: role) { return [CodingKeys.subject, k] }
        if let k = DataKeys(rawValue: role) { return [CodingKeys.data, k] }
        return [CodingKeys(rawValue: role) ?? .kind]
    }
}
