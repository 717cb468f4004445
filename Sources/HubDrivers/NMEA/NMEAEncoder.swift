import Foundation

/// NMEA 0183 sentences as a receiver writes them, for simulators and tests: the checksum is the same
/// XOR the driver checks (`NMEASentence.parsing`).
public enum NMEAEncoder {
    /// `$<body>*hh\r\n`, the checksum over `body`.
    public static func sentence(_ body: String) -> [UInt8] {
        let bytes = Array(body.utf8)
        let sum = bytes.reduce(0, ^)
        return [36] + bytes + Array(String(format: "*%02X\r\n", sum).utf8)
    }

    /// One fix, to be written as RMC, GGA, GSA and VTG.
    public struct Fix: Sendable, Equatable {
        public var at: Date
        public var lat: Double
        public var lon: Double
        public var speedKmh: Double
        public var courseDeg: Double
        public var altitudeM: Double
        public var satellites: Int

        public init(at: Date, lat: Double, lon: Double, speedKmh: Double = 0, courseDeg: Double = 0,
                    altitudeM: Double = 10, satellites: Int = 9) {
            self.at = at
            self.lat = lat
            self.lon = lon
            self.speedKmh = speedKmh
            self.courseDeg = courseDeg
            self.altitudeM = altitudeM
            self.satellites = satellites
        }

        /// The position as the sentences give it (four decimals of a minute), which is what a decoder
        /// sees; compare against this, not the unrounded one.
        public var written: (lat: Double, lon: Double) { (NMEAEncoder.rounded(lat), NMEAEncoder.rounded(lon)) }
    }

    public static func rmc(_ f: Fix, talker: String = "GP") -> [UInt8] {
        let knots = f.speedKmh / 1.852
        return sentence("\(talker)RMC,\(time(f.at)),A,\(coordinate(f.lat, 2, "N", "S")),\(coordinate(f.lon, 3, "E", "W")),"
            + "\(decimal(knots, 1)),\(decimal(f.courseDeg, 1)),\(date(f.at)),,,A")
    }

    public static func gga(_ f: Fix, talker: String = "GP") -> [UInt8] {
        sentence("\(talker)GGA,\(time(f.at)),\(coordinate(f.lat, 2, "N", "S")),\(coordinate(f.lon, 3, "E", "W")),1,"
            + String(format: "%02d", f.satellites) + ",0.9,\(decimal(f.altitudeM, 1)),M,-2.0,M,,")
    }

    public static func gsa(_ f: Fix, talker: String = "GP") -> [UInt8] {
        let prns = (0..<12).map { $0 < f.satellites ? String(format: "%02d", $0 * 2 + 2) : "" }
        return sentence("\(talker)GSA,A,3,\(prns.joined(separator: ",")),1.6,0.9,1.3")
    }

    public static func vtg(_ f: Fix, talker: String = "GP") -> [UInt8] {
        sentence("\(talker)VTG,\(decimal(f.courseDeg, 1)),T,,M,\(decimal(f.speedKmh / 1.852, 1)),N,\(decimal(f.speedKmh, 1)),K,A")
    }

    /// RMC, GGA, GSA and VTG for one fix, as a receiver writes them each second.
    public static func epoch(_ f: Fix, talker: String = "GP") -> [[UInt8]] {
        [rmc(f, talker: talker), gga(f, talker: talker), gsa(f, talker: talker), vtg(f, talker: talker)]
    }

    /// `ddmm.mmmm,H`; minutes are rounded first so that 59.99995 never prints as 60.
    static func coordinate(_ v: Double, _ degreeDigits: Int, _ pos: String, _ neg: String) -> String {
        let tenThousandths = Int((abs(v) * 60 * 10_000).rounded())
        let degrees = tenThousandths / 600_000
        let minutes = tenThousandths % 600_000
        let text = String(format: "%0\(degreeDigits)d%02d.%04d", degrees, minutes / 10_000, minutes % 10_000)
        return text + "," + (v < 0 ? neg : pos)
    }

    static func rounded(_ v: Double) -> Double {
        let t = (abs(v) * 60 * 10_000).rounded()
        let degrees = (t / 600_000).rounded(.down)
        let value = degrees + (t - degrees * 600_000) / 10_000 / 60
        return v < 0 ? -value : value
    }

    private static func decimal(_ v: Double, _ places: Int) -> String { String(format: "%.\(places)f", v) }

    private static func time(_ at: Date) -> String {
        let ms = Int((at.timeIntervalSince1970 * 1000).rounded(.down))
        let t = ms / 1000 % 86_400
        return String(format: "%02d%02d%02d.%02d", t / 3600, t / 60 % 60, t % 60, ms % 1000 / 10)
    }

    private static func date(_ at: Date) -> String {
        let c = CivilDate.components(daysSince1970: Int(at.timeIntervalSince1970.rounded(.down)) / 86_400)
        return String(format: "%02d%02d%02d", c.day, c.month, c.year % 100)
    }
}
