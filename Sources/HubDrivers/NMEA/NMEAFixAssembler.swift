import Foundation
import HubModel

/// Turns a receiver's sentences into fixes. A receiver reports one epoch (one instant) across several
/// sentences: RMC has the date, speed and course; GGA the altitude, satellites and fix quality; VTG
/// and GSA add speed and HDOP without any time. The assembler carries what an epoch has said so far
/// into each fix of that epoch, and carries the date from RMC/ZDA to the GGA/GLL sentences that lack one.
struct NMEAFixAssembler {
    /// What the current epoch has reported so far.
    struct Epoch {
        var timeMs: Int?
        var speedKmh: Double?
        var courseDeg: Double?
        var altitudeM: Double?
        var satellites: Int?
        var hdop: Double?
        var fixQuality: Int?
    }

    private(set) var epoch = Epoch()
    /// The UTC date in force, as days since 1970, and the time of day it was last confirmed at.
    private var day: Int?
    private var dayTimeMs: Int?

    static let knotsToKmh = 1.852
    private static let dayMs = 86_400_000

    enum Outcome: Equatable {
        /// The sentence gave a valid position.
        case fix(GPSFix)
        /// The sentence was understood and fed the epoch, but carries no valid position.
        case noFix
        /// A type this assembler does not interpret.
        case unknown
        /// A known type whose fields do not parse.
        case malformed
    }

    /// Whether `handle` reads the fields of sentences of `type` (the others it only counts, so their
    /// fields need not be split). The same types as `handle`'s cases.
    static func reads(_ type: String) -> Bool {
        switch type {
        case "RMC", "GGA", "GLL", "VTG", "GSA", "ZDA": true
        default: false
        }
    }

    mutating func handle(_ s: NMEASentence) -> Outcome {
        switch s.type {
        case "RMC": rmc(s)
        case "GGA": gga(s)
        case "GLL": gll(s)
        case "VTG": vtg(s)
        case "GSA": gsa(s)
        case "ZDA": zda(s)
        default: .unknown
        }
    }

    private mutating func rmc(_ s: NMEASentence) -> Outcome {
        let t = s.timeOfDay(1)
        if let d = s.date(9), let t {
            day = d
            dayTimeMs = t
        }
        enter(t)
        if let knots = s.decimal(7), knots >= 0 { epoch.speedKmh = knots * Self.knotsToKmh }
        if let c = s.decimal(8), c >= 0, c <= 360 { epoch.courseDeg = c }
        guard s.char(2) == UInt8(ascii: "A") else { return s.char(2) == UInt8(ascii: "V") ? .noFix : .malformed }
        return fix(s, latField: 3, time: t, quality: epoch.fixQuality ?? Self.quality(modeIndicator: s.char(12)))
    }

    private mutating func gga(_ s: NMEASentence) -> Outcome {
        let t = s.timeOfDay(1)
        enter(t)
        guard let quality = s.int(6) else { return .malformed }
        epoch.fixQuality = quality
        if let n = s.int(7) { epoch.satellites = n }
        if let h = s.decimal(8), h >= 0 { epoch.hdop = h }
        if let a = s.decimal(9) { epoch.altitudeM = a }
        guard quality > 0 else { return .noFix }
        return fix(s, latField: 2, time: t, quality: quality)
    }

    private mutating func gll(_ s: NMEASentence) -> Outcome {
        let t = s.timeOfDay(5)
        enter(t)
        // NMEA 1.5 GLL has neither time nor status; without a status there is no claim of validity.
        guard s.char(6) == UInt8(ascii: "A") else { return .noFix }
        return fix(s, latField: 1, time: t, quality: epoch.fixQuality ?? Self.quality(modeIndicator: s.char(7)))
    }

    private mutating func vtg(_ s: NMEASentence) -> Outcome {
        // NMEA 2.x: course,T,course,M,knots,N,kmh,K[,mode]; NMEA 1.x: course,course,knots,kmh without units.
        let modern = s.char(2) == UInt8(ascii: "T") || s.char(8) == UInt8(ascii: "K")
        if let c = s.decimal(1), c >= 0, c <= 360 { epoch.courseDeg = c }
        if let kmh = s.decimal(modern ? 7 : 4), kmh >= 0 {
            epoch.speedKmh = kmh
        } else if let knots = s.decimal(modern ? 5 : 3), knots >= 0 {
            epoch.speedKmh = knots * Self.knotsToKmh
        }
        return .noFix
    }

    private mutating func gsa(_ s: NMEASentence) -> Outcome {
        if epoch.hdop == nil, let h = s.decimal(16), h >= 0 { epoch.hdop = h }
        return .noFix
    }

    private mutating func zda(_ s: NMEASentence) -> Outcome {
        guard let t = s.timeOfDay(1), let d = s.int(2), let m = s.int(3), let y = s.int(4),
            let days = CivilDate.days(year: y, month: m, day: d)
        else { return .malformed }
        enter(t)
        day = days
        dayTimeMs = t
        return .noFix
    }

    /// A sentence stamped `t` belongs to the current epoch, or starts the next one.
    private mutating func enter(_ t: Int?) {
        guard let t, t != epoch.timeMs else { return }
        epoch = Epoch(timeMs: t)
    }

    private mutating func fix(_ s: NMEASentence, latField: Int, time: Int?, quality: Int) -> Outcome {
        guard
            let lat = s.coordinate(
                latField, positive: UInt8(ascii: "N"), negative: UInt8(ascii: "S"), maxDegrees: 90),
            let lon = s.coordinate(
                latField + 2, positive: UInt8(ascii: "E"), negative: UInt8(ascii: "W"), maxDegrees: 180)
        else { return .malformed }
        var at: Date?
        if let time { at = observedAt(time) }
        return .fix(
            GPSFix(
                observedAt: at, lat: lat, lon: lon, source: s.type, speedKmh: epoch.speedKmh,
                courseDeg: epoch.courseDeg, altitudeM: epoch.altitudeM, satellites: epoch.satellites,
                hdop: epoch.hdop, fixQuality: quality, talker: s.talker))
    }

    /// The instant of time-of-day `t` on the carried date. A time far earlier than the one the date was
    /// confirmed at means midnight has passed since; a time far later, that the date was set just after it.
    private mutating func observedAt(_ t: Int) -> Date? {
        guard var d = day, let confirmed = dayTimeMs else { return nil }
        if t < confirmed - Self.dayMs / 2 {
            d += 1
            day = d
            dayTimeMs = t
        } else if t > confirmed + Self.dayMs / 2 {
            d -= 1
        }
        return Date(timeIntervalSince1970: Double(d) * 86_400 + Double(t) / 1000)
    }

    /// GGA-style quality from an RMC/GLL mode indicator (NMEA 2.3+); a status `A` without one is a GPS fix.
    static func quality(modeIndicator: UInt8?) -> Int {
        switch modeIndicator {
        case UInt8(ascii: "D"): 2
        case UInt8(ascii: "P"): 3
        case UInt8(ascii: "R"): 4
        case UInt8(ascii: "F"): 5
        case UInt8(ascii: "E"): 6
        case UInt8(ascii: "M"): 7
        case UInt8(ascii: "S"): 8
        default: 1
        }
    }
}
