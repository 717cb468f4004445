import Foundation

/// A configuration or profile that cannot be used, located to the file, line and field at fault.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the fault is not at one place (an unreadable file).
    public var line: Int?
    public var column: Int?
    /// Dotted path of the field, e.g. `devices[1].serial.baud`.
    public var field: String
    /// What was expected, and what was found.
    public var message: String

    public init(file: String, line: Int?, column: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `site.yaml:12:7: devices[1].serial.baud: expected one of …, got 9601`
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}

/// A check that failed while decoding a value, with the expectation in words; `YAMLDocument` adds the place.
package struct InvalidValue: Error {
    var codingPath: [any CodingKey]
    var message: String

    package init(codingPath: [any CodingKey], message: String) {
        self.codingPath = codingPath
        self.message = message
    }
}
