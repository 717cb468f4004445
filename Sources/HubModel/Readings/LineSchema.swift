import Foundation

/// A line protocol described by a device profile's `line:` section instead of code: how a line is
/// laid out (CSV, key=value pairs or a JSON object), the fields it carries with their types and
/// units, and how they become an event (which field is the time, which says alarm, which name the
/// container, plate or seal). One driver (`declarative-line`) reads every such device; the profile
/// is checked field by field when it is loaded (`HubDevices`), so a schema here is always usable.
public struct LineSchema: Sendable, Equatable {
    /// The protocol name of the driver that reads profile-described lines (a profile's `protocol:`).
    public static let protocolName = "declarative-line"

    /// How one line carries its fields.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// Values in the order of `fields`, split on `delimiter`.
        case csv
        /// `name=value` pairs split on `delimiter`, in any order.
        case keyValue = "key-value"
        /// One JSON object per line; members named like the fields.
        case json
    }

    /// What ends a line on the wire; both are read either way (a CR before the LF is part of the
    /// terminator), the simulator writes the one named.
    public enum LineEnding: String, Sendable, Equatable, CaseIterable {
        case lf, crlf
        public var bytes: [UInt8] { self == .lf ? [10] : [13, 10] }
    }

    /// A field's type, which is how its text is read.
    public enum FieldType: String, Sendable, Equatable, CaseIterable {
        case text, integer, number, boolean, time
    }

    /// How a `time` field is written by the device.
    public enum TimeFormat: String, Sendable, Equatable, CaseIterable {
        /// RFC 3339; without a zone it is the device's local time (the site's `utcOffsetMinutes`).
        case rfc3339
        /// Seconds since 1970-01-01 UTC (decimals allowed).
        case epochSeconds = "epoch-s"
        /// Milliseconds since 1970-01-01 UTC.
        case epochMilliseconds = "epoch-ms"
    }

    /// One field of a line.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var type: FieldType
        /// The unit of a number as the device gives it (`du`, `mV`, `kg`), written beside the value.
        public var unit: String?
        /// A number is multiplied by this as it is read (e.g. 0.001 for grams given as milligrams).
        public var scale: Double
        /// A line without it (or with it empty) is malformed.
        public var required: Bool
        /// For `time` fields.
        public var timeFormat: TimeFormat
        /// For `boolean` fields: the words that mean true and false (compared without case); any
        /// other word is malformed.
        public var trueWords: [String]
        public var falseWords: [String]

        public init(
            name: String, type: FieldType, unit: String? = nil, scale: Double = 1, required: Bool = false,
            timeFormat: TimeFormat = .rfc3339, trueWords: [String] = ["true", "1", "yes"], falseWords: [String] = ["false", "0", "no"]
        ) {
            self.name = name
            self.type = type
            self.unit = unit
            self.scale = scale
            self.required = required
            self.timeFormat = timeFormat
            self.trueWords = trueWords
            self.falseWords = falseWords
        }
    }

    /// Which fields make the event. Kinds are `<kind>.alarm` when the alarm field says so, else
    /// `<kind>.clear` (`trace.alarm`, `trace.clear`).
    public struct EventMapping: Sendable, Equatable {
        /// The event family the lines become. Only `trace` (trace and narcotics detectors) so far:
        /// each family's payload is typed, so a new one is a payload type, not just a word here.
        public enum Kind: String, Sendable, Equatable, CaseIterable { case trace }

        public var kind: Kind
        /// The field with the device's time; without one the hub's receive time is used.
        public var time: String?
        /// The field that says alarm, and the values of it that do (compared without case). A
        /// `boolean` field needs no values.
        public var alarm: String
        public var alarmValues: [String]
        /// Fields naming what the line concerns.
        public var containers: String?
        public var plates: String?
        public var seals: String?
        /// A field naming the lane (a detector serving several); the device's configured lane wins.
        public var lane: String?
        /// `trace`: the substance or class named, the detector's channel (ion mode, library), and
        /// the peak amplitude (its unit is the field's `unit`).
        public var substance: String?
        public var channel: String?
        public var amplitude: String?

        public init(kind: Kind, alarm: String, alarmValues: [String] = []) {
            self.kind = kind
            self.alarm = alarm
            self.alarmValues = alarmValues
        }

        /// Every field the mapping names, with the role it plays (for checks and messages).
        public var roles: [(role: String, field: String)] {
            let all: [(String, String?)] = [
                ("time", time), ("alarm", alarm), ("containers", containers), ("plates", plates), ("seals", seals),
                ("lane", lane), ("substance", substance), ("channel", channel), ("amplitude", amplitude),
            ]
            return all.compactMap { r in r.1.map { (role: r.0, field: $0) } }
        }
    }

    public var format: Format
    /// CSV: the value separator; key-value: the pair separator (one character).
    public var delimiter: Character
    /// Key-value: what joins a name to its value (one character).
    public var separator: Character
    public var lineEnding: LineEnding
    /// Text every line starts with (a record tag such as `IMS,`); a line without it is garbage.
    public var prefix: String
    public var fields: [Field]
    public var event: EventMapping

    public init(
        format: Format, delimiter: Character = ",", separator: Character = "=", lineEnding: LineEnding = .crlf,
        prefix: String = "", fields: [Field], event: EventMapping
    ) {
        self.format = format
        self.delimiter = delimiter
        self.separator = separator
        self.lineEnding = lineEnding
        self.prefix = prefix
        self.fields = fields
        self.event = event
    }

    /// The field named `name`.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}
