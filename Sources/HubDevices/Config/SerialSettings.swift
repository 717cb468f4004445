/// Line settings of a serial port.
public struct SerialSettings: Sendable, Equatable, Codable {
    public enum Parity: String, Sendable, Codable, CaseIterable { case none, even, odd }
    public enum FlowControl: String, Sendable, Codable, CaseIterable { case none, rtscts, xonxoff }

    public var baud: Int
    public var dataBits: Int
    public var parity: Parity
    public var stopBits: Int
    public var flowControl: FlowControl

    /// Speeds termios can set on Linux.
    public static let supportedBauds = [
        300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400, 460_800, 500_000, 576_000,
        921_600, 1_000_000,
    ]

    public init(baud: Int = 9600, dataBits: Int = 8, parity: Parity = .none, stopBits: Int = 1,
                flowControl: FlowControl = .none) {
        self.baud = baud
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flowControl = flowControl
    }

    public init(from decoder: any Decoder) throws {
        self = SerialSettings().applying(try SerialOverrides(from: decoder))
    }

    /// These settings with the fields `overrides` sets replaced.
    public func applying(_ overrides: SerialOverrides) -> SerialSettings {
        var s = self
        if let v = overrides.baud { s.baud = v }
        if let v = overrides.dataBits { s.dataBits = v }
        if let v = overrides.parity { s.parity = v }
        if let v = overrides.stopBits { s.stopBits = v }
        if let v = overrides.flowControl { s.flowControl = v }
        return s
    }

    /// `9600 8N1`
    public var summary: String {
        let p = parity == .none ? "N" : parity == .even ? "E" : "O"
        return "\(baud) \(dataBits)\(p)\(stopBits)" + (flowControl == .none ? "" : " \(flowControl.rawValue)")
    }
}

/// Serial fields a site config sets for one device, over its profile's: each checked on its own.
public struct SerialOverrides: Sendable, Equatable, Decodable {
    public var baud: Int?
    public var dataBits: Int?
    public var parity: SerialSettings.Parity?
    public var stopBits: Int?
    public var flowControl: SerialSettings.FlowControl?

    enum CodingKeys: String, CodingKey, CaseIterable { case baud, dataBits, parity, stopBits, flowControl }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let bauds = SerialSettings.supportedBauds
        baud = try c.decodeIfPresent(
            Int.self, forKey: .baud, where: bauds.contains,
            expected: "a standard speed (\(bauds.map(String.init).joined(separator: ", ")))")
        dataBits = try c.decodeIfPresent(Int.self, forKey: .dataBits, where: (5...8).contains, expected: "5, 6, 7 or 8")
        parity = try c.decodeChoiceIfPresent(forKey: .parity)
        stopBits = try c.decodeIfPresent(
            Int.self, forKey: .stopBits, where: { $0 == 1 || $0 == 2 }, expected: "1 or 2")
        flowControl = try c.decodeChoiceIfPresent(forKey: .flowControl)
    }
}

extension KeyedDecodingContainer {
    /// An optional enum read from its raw string, failing with the list of accepted values.
    package func decodeChoiceIfPresent<T: RawRepresentable & CaseIterable>(forKey key: Key) throws -> T?
    where T.RawValue == String {
        guard contains(key) else { return nil }
        return try decodeChoice(forKey: key)
    }

    /// An enum read from its raw string, failing with the list of accepted values.
    package func decodeChoice<T: RawRepresentable & CaseIterable>(forKey key: Key, default value: T? = nil) throws -> T
    where T.RawValue == String {
        guard let text = try decodeIfPresent(String.self, forKey: key) else {
            if let value { return value }
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "required field '\(key.stringValue)' is missing"))
        }
        guard let v = T(rawValue: text) else {
            let list = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidValue(codingPath: codingPath + [key], message: "expected one of: \(list); got '\(text)'")
        }
        return v
    }
}
