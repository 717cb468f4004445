/// Line settings of a serial port.
public struct SerialSettings: Sendable, Equatable, Codable {
    public enum Parity: String, Sendable, Codable, CaseIterable { case none, even, odd }
    public enum FlowControl: String, Sendable, Codable, CaseIterable { case none, rtscts, xonxoff }

    public var baud: Int
    public var dataBits: Int
    public var parity: Parity
    public var stopBits: Int
    public var flowControl: FlowControl
    /// Set when the profile or site says `baud: auto`: the speeds and framings to hunt through.
    /// `baud` and the framing fields then hold the first candidate.
    public var auto: AutoBaud?

    /// Speeds termios can set on Linux.
    public static let supportedBauds = [
        300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400, 460_800, 500_000, 576_000,
        921_600, 1_000_000,
    ]

    public init(baud: Int = 9600, dataBits: Int = 8, parity: Parity = .none, stopBits: Int = 1,
                flowControl: FlowControl = .none, auto: AutoBaud? = nil) {
        self.baud = baud
        self.auto = auto
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flowControl = flowControl
    }

    public init(from decoder: any Decoder) throws {
        self = SerialSettings().applying(try SerialOverrides(from: decoder))
    }

    /// These settings with the fields `overrides` sets replaced. A fixed `baud` ends hunting and
    /// `baud: auto` starts it; on a hunting line, framing fields given without `framings` make the
    /// one framing to try (what the operator said wins over the profile's list).
    public func applying(_ overrides: SerialOverrides) -> SerialSettings {
        var s = self
        if let v = overrides.baud {
            s.baud = v
            s.auto = nil
        }
        if overrides.autoBaud {
            s.auto = AutoBaud(bauds: overrides.bauds ?? AutoBaud.defaultBauds,
                              framings: overrides.framings ?? AutoBaud.defaultFramings)
        }
        if let v = overrides.dataBits { s.dataBits = v }
        if let v = overrides.parity { s.parity = v }
        if let v = overrides.stopBits { s.stopBits = v }
        if let v = overrides.flowControl { s.flowControl = v }
        if var plan = s.auto {
            let saysFraming = overrides.dataBits != nil || overrides.parity != nil || overrides.stopBits != nil
            if overrides.framings == nil, saysFraming { plan.framings = [s.framing] }
            s.auto = plan
            s.baud = plan.bauds[0]
            s.framing = plan.framings[0]
        }
        return s
    }

    /// Character size, parity and stop bits together.
    public var framing: SerialFraming {
        get { SerialFraming(dataBits: dataBits, parity: parity, stopBits: stopBits) }
        set {
            dataBits = newValue.dataBits
            parity = newValue.parity
            stopBits = newValue.stopBits
        }
    }

    /// `9600 8N1`, or `auto 9600/4800 8N1/7E1` for a line that hunts.
    public var summary: String {
        let line = auto.map { "auto \($0.summary)" } ?? "\(baud) \(framing)"
        return line + (flowControl == .none ? "" : " \(flowControl.rawValue)")
    }

    /// Written as the YAML says it (`baud: auto` with its lists), so what the API shows reads back.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: SerialOverrides.CodingKeys.self)
        if let auto {
            try c.encode("auto", forKey: .baud)
            try c.encode(auto.bauds, forKey: .bauds)
            try c.encode(auto.framings.map(\.description), forKey: .framings)
        } else {
            try c.encode(baud, forKey: .baud)
        }
        try c.encode(dataBits, forKey: .dataBits)
        try c.encode(parity, forKey: .parity)
        try c.encode(stopBits, forKey: .stopBits)
        try c.encode(flowControl, forKey: .flowControl)
    }
}

/// Serial fields a site config sets for one device, over its profile's: each checked on its own.
public struct SerialOverrides: Sendable, Equatable, Decodable {
    public var baud: Int?
    /// `baud: auto`: the speed is hunted for (see `AutoBaud`).
    public var autoBaud = false
    /// With `baud: auto`: the speeds to try, in order.
    public var bauds: [Int]?
    /// With `baud: auto`: the framings to try, in order.
    public var framings: [SerialFraming]?
    public var dataBits: Int?
    public var parity: SerialSettings.Parity?
    public var stopBits: Int?
    public var flowControl: SerialSettings.FlowControl?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baud, bauds, framings, dataBits, parity, stopBits, flowControl
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let speeds = SerialSettings.supportedBauds
        let standard = "a standard speed (\(speeds.map(String.init).joined(separator: ", ")))"
        if c.contains(.baud), (try? c.decode(String.self, forKey: .baud)) == "auto" {
            autoBaud = true
        } else if c.contains(.baud) {
            guard let v = try? c.decode(Int.self, forKey: .baud) else {
                let text = (try? c.decode(String.self, forKey: .baud)) ?? "?"
                throw InvalidValue(codingPath: c.codingPath + [CodingKeys.baud],
                                   message: "expected auto or \(standard), got '\(text)'")
            }
            guard speeds.contains(v) else {
                throw InvalidValue(codingPath: c.codingPath + [CodingKeys.baud],
                                   message: "expected auto or \(standard), got '\(v)'")
            }
            baud = v
        }
        bauds = try c.decodeListIfPresent(forKey: .bauds, expected: standard) { (v: Int) in speeds.contains(v) ? v : nil }
        framings = try c.decodeListIfPresent(forKey: .framings, expected: "a framing like 8N1 or 7E1") { (v: String) in
            SerialFraming(v)
        }
        // Lists of candidates mean nothing on a line whose speed is fixed: say so rather than ignore them.
        for key in [CodingKeys.bauds, .framings] where c.contains(key) && !autoBaud {
            throw InvalidValue(codingPath: c.codingPath + [key], message: "only with 'baud: auto' in the same block")
        }
        dataBits = try c.decodeIfPresent(Int.self, forKey: .dataBits, where: (5...8).contains, expected: "5, 6, 7 or 8")
        parity = try c.decodeChoiceIfPresent(forKey: .parity)
        stopBits = try c.decodeIfPresent(
            Int.self, forKey: .stopBits, where: { $0 == 1 || $0 == 2 }, expected: "1 or 2")
        flowControl = try c.decodeChoiceIfPresent(forKey: .flowControl)
    }
}

/// A list position as a coding key, so a bad element is reported at its own line (`bauds[1]`).
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

extension KeyedDecodingContainer {
    /// An optional non-empty list whose every element `convert` accepts; a refused element fails at
    /// its own place with `expected`.
    package func decodeListIfPresent<Raw: Decodable, T>(
        forKey key: Key, expected: String, _ convert: (Raw) -> T?
    ) throws -> [T]? {
        guard contains(key) else { return nil }
        var list = try nestedUnkeyedContainer(forKey: key)
        var out: [T] = []
        while !list.isAtEnd {
            let place = list.codingPath + [IndexKey(intValue: list.currentIndex)]
            let raw = try list.decode(Raw.self)
            guard let v = convert(raw) else {
                throw InvalidValue(codingPath: place, message: "expected \(expected), got '\(raw)'")
            }
            out.append(v)
        }
        guard !out.isEmpty else {
            throw InvalidValue(codingPath: codingPath + [key], message: "expected a list of at least one \(expected)")
        }
        return out
    }

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
