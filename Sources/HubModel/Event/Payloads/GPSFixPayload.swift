import Foundation

/// `gps.fix`: one position of a receiver, tracker or tracking seal, as the event JSON's `data`.
public struct GPSFixPayload: EventPayloadBody {
    public static let kinds = [EventKind.gpsFix]

    /// WGS84 degrees, north positive, as the device gave them (never rounded).
    public var lat: Double
    /// WGS84 degrees, east positive, as the device gave them (never rounded).
    public var lon: Double
    /// What the position came from: NMEA sentence type (`RMC`), `gt06-0x12`, `teltonika-8`, `eseal`.
    public var source: String
    /// Speed over ground, km/h (rounded to 3 decimals when built, as it is derived).
    public var speedKmh: Double?
    /// Course over ground, degrees from true north.
    public var courseDeg: Double?
    /// Altitude above mean sea level, metres.
    public var altitudeM: Double?
    /// Satellites used in the fix (count).
    public var satellites: Int?
    /// Horizontal dilution of precision (dimensionless).
    public var hdop: Double?
    /// NMEA GGA fix quality (1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 estimated, …).
    public var fixQuality: Int?
    /// The NMEA sentence the fix came from (`RMC`, `GGA`, `GLL`); receiver sentences only.
    public var sentence: String?
    /// NMEA talker (`GP`, `GN`, …); receiver sentences only.
    public var talker: String?
    /// Tracker record priority (Teltonika).
    public var priority: Int?
    /// The IO element id that triggered the record (Teltonika).
    public var eventIO: Int?
    /// Tracker I/O elements by decimal id (Teltonika AVL IO), raw values; absent when the record had none.
    public var io: [String: IOValue]?

    /// One raw I/O element value: an integer, or a decimal string past 2^53 (where JSON readers
    /// that take numbers as doubles would lose digits).
    public enum IOValue: Sendable, Hashable {
        case int(Int64)
        case string(String)

        /// The value as the event JSON writes a raw unsigned element.
        public init(_ raw: UInt64) { self = raw < 1 << 53 ? .int(Int64(raw)) : .string(String(raw)) }

        /// The raw value, when it is a non-negative integer (as a tracker sends it).
        public var unsigned: UInt64? {
            switch self {
            case .int(let i): i >= 0 ? UInt64(i) : nil
            case .string(let s): UInt64(s)
            }
        }

        var json: JSONValue {
            switch self {
            case .int(let i): .int(i)
            case .string(let s): .string(s)
            }
        }
    }

    public init(
        lat: Double, lon: Double, source: String, speedKmh: Double? = nil, courseDeg: Double? = nil,
        altitudeM: Double? = nil, satellites: Int? = nil, hdop: Double? = nil, fixQuality: Int? = nil,
        sentence: String? = nil, talker: String? = nil, priority: Int? = nil, eventIO: Int? = nil,
        io: [String: IOValue]? = nil
    ) {
        self.lat = lat
        self.lon = lon
        self.source = source
        self.speedKmh = speedKmh
        self.courseDeg = courseDeg
        self.altitudeM = altitudeM
        self.satellites = satellites
        self.hdop = hdop
        self.fixQuality = fixQuality
        self.sentence = sentence
        self.talker = talker
        self.priority = priority
        self.eventIO = eventIO
        self.io = io
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        lat = try f.double("lat")
        lon = try f.double("lon")
        source = try f.string("source")
        speedKmh = try f.optionalDouble("speedKmh")
        courseDeg = try f.optionalDouble("courseDeg")
        altitudeM = try f.optionalDouble("altitudeM")
        satellites = try f.optionalInt("satellites")
        hdop = try f.optionalDouble("hdop")
        fixQuality = try f.optionalInt("fixQuality")
        sentence = try f.optionalString("sentence")
        talker = try f.optionalString("talker")
        priority = try f.optionalInt("priority")
        eventIO = try f.optionalInt("eventIO")
        switch f.raw("io") {
        case nil: io = nil
        case .object(let o)?:
            io = try o.mapValues { v in
                switch v {
                case .int(let i): return .int(i)
                case .string(let s): return .string(s)
                default: throw PayloadError(field: "io", reason: "not an object of integers or strings")
                }
            }
        case _?: throw PayloadError(field: "io", reason: "not an object")
        }
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var out: [String: JSONValue] = ["lat": .double(lat), "lon": .double(lon), "source": .string(source)]
        out.put("speedKmh", speedKmh)
        out.put("courseDeg", courseDeg)
        out.put("altitudeM", altitudeM)
        out.put("satellites", satellites)
        out.put("hdop", hdop)
        out.put("fixQuality", fixQuality)
        out.put("sentence", sentence)
        out.put("talker", talker)
        out.put("priority", priority)
        out.put("eventIO", eventIO)
        if let io { out["io"] = .object(io.mapValues(\.json)) }
        return out
    }

    public var payload: EventPayload { .gpsFix(self) }
}
