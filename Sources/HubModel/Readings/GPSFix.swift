import Foundation

/// One valid position, before normalization: what a GPS receiver sentence or a tracker record says.
///
/// Optional members are the ones a source may leave out; a driver fills only what the device sent,
/// so absent is never confused with zero.
public struct GPSFix: Sendable, Equatable {
    /// The device's UTC time of the fix, when it is known (an NMEA GGA before any date is not).
    public var observedAt: Date?
    /// WGS84 degrees, north positive.
    public var lat: Double
    /// WGS84 degrees, east positive.
    public var lon: Double
    public var speedKmh: Double?
    /// Course over ground, degrees from true north.
    public var courseDeg: Double?
    /// Altitude above mean sea level, metres.
    public var altitudeM: Double?
    /// Satellites used in the fix.
    public var satellites: Int?
    /// Horizontal dilution of precision.
    public var hdop: Double?
    /// NMEA GGA fix quality (1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, 6 estimated, …).
    public var fixQuality: Int?
    /// What the position came from: NMEA sentence type (`RMC`), `gt06-0x12`, `teltonika-8`, `eseal`.
    public var source: String
    /// NMEA talker (`GP`, `GN`, `GL`, `GA`, `GB`, `BD`, …) for receiver sentences.
    public var talker: String?
    /// The reporting unit's own id (IMEI, seal id) when the device names itself.
    public var unitID: String?
    /// The seal this position belongs to, for tracking seals.
    public var sealID: String?
    /// Tracker I/O elements by id (Teltonika AVL IO), raw values.
    public var io: [Int: UInt64]
    /// Tracker record priority and the IO id that triggered the record (Teltonika), when given.
    public var priority: Int?
    public var eventIO: Int?

    public init(
        observedAt: Date?, lat: Double, lon: Double, source: String, speedKmh: Double? = nil,
        courseDeg: Double? = nil, altitudeM: Double? = nil, satellites: Int? = nil, hdop: Double? = nil,
        fixQuality: Int? = nil, talker: String? = nil, unitID: String? = nil, sealID: String? = nil,
        io: [Int: UInt64] = [:], priority: Int? = nil, eventIO: Int? = nil
    ) {
        self.observedAt = observedAt
        self.lat = lat
        self.lon = lon
        self.source = source
        self.speedKmh = speedKmh
        self.courseDeg = courseDeg
        self.altitudeM = altitudeM
        self.satellites = satellites
        self.hdop = hdop
        self.fixQuality = fixQuality
        self.talker = talker
        self.unitID = unitID
        self.sealID = sealID
        self.io = io
        self.priority = priority
        self.eventIO = eventIO
    }

    /// True when both coordinates are inside WGS84's range (a decoder never reports anything else).
    public static func isOnEarth(lat: Double, lon: Double) -> Bool {
        lat.isFinite && lon.isFinite && abs(lat) <= 90 && abs(lon) <= 180
    }
}
