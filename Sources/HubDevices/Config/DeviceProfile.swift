import Foundation
import HubModel

/// A device model as `DeviceProfiles/*.yaml` describes it: what it is, how it talks, how to find it.
public struct DeviceProfile: Sendable, Equatable, Decodable {
    /// The profile's id; equal to its file name without `.yaml`.
    public var model: String
    public var name: String
    public var vendor: String?
    /// Device family, e.g. `radiation-portal`.
    public var family: String
    /// Driver protocol name (`rpm`, …), as `niihub decode --protocol` takes it.
    public var `protocol`: String
    public var transport: Transport
    /// USB ids that identify this model on the bus.
    public var usb: [USBMatch]
    /// How often the device says something when all is quiet (a heartbeat, a background line).
    public var heartbeatIntervalS: Double
    /// Longest silence allowed on a connected device; past it the device is `silent` (an operator
    /// alarm). Defaults to three heartbeats.
    public var maxSilenceS: Double
    public var framing: Framing
    public var reporting: Reporting
    /// Named limits the normalizer applies (`gammaBackgroundHighCps`, …).
    public var thresholds: [String: Double]
    /// The line protocol of a `declarative-line` device, described field by field (`line:`); nil
    /// reads that driver's standard trace line.
    public var line: LineSchema?

    public enum TransportKind: String, Sendable, Codable, CaseIterable { case serial, tcp, udp, file }

    public struct Transport: Sendable, Equatable, Decodable {
        public var kind: TransportKind
        public var serial: SerialSettings?
        public var network: NetworkSettings
        public var file: FileDropSettings

        enum CodingKeys: String, CodingKey, CaseIterable { case kind, serial, network, file }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decodeChoice(forKey: .kind)
            serial = try c.decodeIfPresent(SerialSettings.self, forKey: .serial)
            if kind == .serial, serial == nil { serial = SerialSettings() }
            network = try c.decodeIfPresent(NetworkSettings.self, forKey: .network) ?? NetworkSettings()
            file = try c.decodeIfPresent(FileDropSettings.self, forKey: .file) ?? FileDropSettings()
        }
    }

    /// TCP and UDP: how long a silent connection is kept and how many a listener takes.
    public struct NetworkSettings: Sendable, Equatable, Decodable {
        /// A connection that sends nothing for this long is closed (the unit reconnects).
        public var idleTimeoutS: Double = 300
        public var maxConnections: Int = 20_000
        /// UDP: how many remote units keep their own decoder state.
        public var maxPeers: Int = 20_000

        enum CodingKeys: String, CodingKey, CaseIterable { case idleTimeoutS, maxConnections, maxPeers }

        public init() {}

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            idleTimeoutS = try c.decode(
                Double.self, forKey: .idleTimeoutS, default: 300, where: { $0 > 0 && $0 <= 86_400 },
                expected: "seconds above 0 and at most 86400")
            maxConnections = try c.decode(
                Int.self, forKey: .maxConnections, default: 20_000, where: (1...1_000_000).contains,
                expected: "1 to 1000000")
            maxPeers = try c.decode(
                Int.self, forKey: .maxPeers, default: 20_000, where: (1...1_000_000).contains, expected: "1 to 1000000")
        }
    }

    /// A folder a device writes result files into.
    public struct FileDropSettings: Sendable, Equatable, Decodable {
        /// How a writer says a file is complete.
        public enum Completion: String, Sendable, Codable, CaseIterable {
            /// Written elsewhere (or under a dot/`.part`/`.tmp` name) and renamed into place.
            case rename
            /// Followed by an empty `<name>.done` file.
            case marker
        }
        public var completion: Completion = .rename
        /// Larger files are quarantined unread.
        public var maxFileBytes: Int = 256 * 1024 * 1024
        /// File name extensions (lower case, no dot) of the documents to take; nil takes every name.
        /// Other files (a scanner's images) stay for the document that names them.
        public var extensions: [String]?

        enum CodingKeys: String, CodingKey, CaseIterable { case completion, maxFileBytes, extensions }

        public init() {}

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            completion = try c.decodeChoice(forKey: .completion, default: .rename)
            maxFileBytes = try c.decode(
                Int.self, forKey: .maxFileBytes, default: 256 * 1024 * 1024, where: { $0 > 0 },
                expected: "a positive number of bytes")
            extensions = try c.decodeIfPresent([String].self, forKey: .extensions)?.map { $0.lowercased() }
        }
    }

    public struct USBMatch: Sendable, Equatable, Decodable {
        /// Four hex digits, lower case.
        public var vendorID: String
        public var productID: String

        enum CodingKeys: String, CodingKey, CaseIterable { case vendorId, productId }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let hex4 = { (s: String) in s.count == 4 && s.allSatisfy(\.isHexDigit) }
            vendorID = try c.decode(String.self, forKey: .vendorId, where: hex4, expected: "four hex digits like 0403")
                .lowercased()
            productID = try c.decode(String.self, forKey: .productId, where: hex4, expected: "four hex digits like 6001")
                .lowercased()
        }
    }

    public struct Framing: Sendable, Equatable, Decodable {
        public var maxFrameBytes: Int = 512

        enum CodingKeys: String, CodingKey, CaseIterable { case maxFrameBytes }

        init() {}

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxFrameBytes = try c.decode(
                Int.self, forKey: .maxFrameBytes, default: 512, where: (16...1_048_576).contains,
                expected: "16 to 1048576 bytes")
        }
    }

    public struct Reporting: Sendable, Equatable, Decodable {
        public var backgroundIntervalS: Double = 60
        public var faultRepeatIntervalS: Double = 60
        public var gammaSampleIntervalS: Double = 0.2
        public var neutronSampleIntervalS: Double = 1.0

        enum CodingKeys: String, CodingKey, CaseIterable {
            case backgroundIntervalS, faultRepeatIntervalS, gammaSampleIntervalS, neutronSampleIntervalS
        }

        init() {}

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let positive = { (v: Double) in v > 0 && v <= 86_400 }
            let words = "a number of seconds above 0 and at most 86400"
            backgroundIntervalS = try c.decode(
                Double.self, forKey: .backgroundIntervalS, default: 60, where: positive, expected: words)
            faultRepeatIntervalS = try c.decode(
                Double.self, forKey: .faultRepeatIntervalS, default: 60, where: positive, expected: words)
            gammaSampleIntervalS = try c.decode(
                Double.self, forKey: .gammaSampleIntervalS, default: 0.2, where: positive, expected: words)
            neutronSampleIntervalS = try c.decode(
                Double.self, forKey: .neutronSampleIntervalS, default: 1.0, where: positive, expected: words)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, name, vendor, family, `protocol`, transport, usb, heartbeatIntervalS, maxSilenceS, framing, reporting, thresholds
        case line
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model, where: Identifier.isValid, expected: Identifier.expected)
        name = try c.decode(String.self, forKey: .name)
        vendor = try c.decodeIfPresent(String.self, forKey: .vendor)
        family = try c.decode(String.self, forKey: .family, where: Identifier.isValid, expected: Identifier.expected)
        `protocol` = try c.decode(String.self, forKey: .protocol)
        transport = try c.decode(Transport.self, forKey: .transport)
        usb = try c.decodeIfPresent([USBMatch].self, forKey: .usb) ?? []
        heartbeatIntervalS = try c.decode(
            Double.self, forKey: .heartbeatIntervalS, default: 30, where: { $0 > 0 && $0 <= 86_400 },
            expected: "a number of seconds above 0 and at most 86400")
        maxSilenceS = try c.decode(
            Double.self, forKey: .maxSilenceS, default: 3 * heartbeatIntervalS,
            where: { [heartbeatIntervalS] in $0 >= heartbeatIntervalS && $0 <= 7 * 86_400 },
            // Shorter than a heartbeat, a device doing just what it should would be reported silent.
            expected: "a number of seconds at least heartbeatIntervalS (\(DeviceRegistry.Status.seconds(heartbeatIntervalS))) and at most 604800")
        framing = try c.decodeIfPresent(Framing.self, forKey: .framing) ?? Framing()
        reporting = try c.decodeIfPresent(Reporting.self, forKey: .reporting) ?? Reporting()
        thresholds = try c.decodeIfPresent([String: Double].self, forKey: .thresholds) ?? [:]
        line = try c.decodeIfPresent(LineSchemaConfig.self, forKey: .line)?.schema
        if line != nil, `protocol` != LineSchema.protocolName {
            throw InvalidValue(
                codingPath: c.codingPath + [CodingKeys.line],
                message: "only a profile of protocol '\(LineSchema.protocolName)' describes its lines, this one speaks '\(`protocol`)'")
        }
    }
}

/// Ids of devices, profiles and families: what is safe in a URL, a file name and a log line.
public enum Identifier {
    public static let expected = "letters, digits, '.', '_' or '-' (1 to 64 characters)"

    public static func isValid(_ s: String) -> Bool {
        !s.isEmpty && s.count <= 64
            && s.utf8.allSatisfy { c in
                (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 45 || c == 46 || c == 95
            }
    }
}
