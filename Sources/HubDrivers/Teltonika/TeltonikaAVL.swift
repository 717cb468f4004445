import Foundation
import HubModel

/// AVL records of Teltonika codecs 8, 8 Extended (0x8E) and 16. Every record has the same GPS element;
/// the codecs differ in the width of IO ids and counts (8: one byte each; 8E: two bytes each plus
/// variable-length values; 16: two-byte ids, one-byte counts and a generation type).
enum TeltonikaAVL {
    struct Record: Equatable {
        var observedAt: Date
        var priority: Int
        var lat: Double
        var lon: Double
        var altitudeM: Int
        var courseDeg: Int
        var satellites: Int
        var speedKmh: Int
        var eventIO: Int
        var io: [Int: UInt64]
    }

    static let codec8: UInt8 = 0x08
    static let codec8E: UInt8 = 0x8E
    static let codec16: UInt8 = 0x10

    static func supports(_ codec: UInt8) -> Bool { codec == codec8 || codec == codec8E || codec == codec16 }

    /// The records of a data packet's data (codec … N2); nil when it does not parse exactly, or the two
    /// record counts disagree.
    static func records(_ data: ArraySlice<UInt8>) -> [Record]? {
        var r = ByteReader(data)
        guard let codec = r.u8(), supports(codec), let count = r.u8(), count > 0 else { return nil }
        var out: [Record] = []
        out.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let rec = record(&r, codec: codec) else { return nil }
            out.append(rec)
        }
        guard let trailer = r.u8(), trailer == count, r.remaining == 0 else { return nil }
        return out
    }

    private static func record(_ r: inout ByteReader, codec: UInt8) -> Record? {
        guard let ms = r.uint(8), let priority = r.u8(), let lon = r.i32(), let lat = r.i32(), let alt = r.i16(),
            let angle = r.u16(), let sats = r.u8(), let speed = r.u16()
        else { return nil }
        let wide = codec != codec8
        guard let eventIO = wide ? r.u16() : r.u8().map(Int.init) else { return nil }
        if codec == codec16 { guard r.skip(1) else { return nil } }  // generation type
        // The total IO count is implied by the per-width counts that follow.
        guard r.skip(codec == codec8E ? 2 : 1) else { return nil }
        var io: [Int: UInt64] = [:]
        for width in [1, 2, 4, 8] {
            guard let n = codec == codec8E ? r.u16() : r.u8().map(Int.init) else { return nil }
            for _ in 0..<n {
                guard let id = wide ? r.u16() : r.u8().map(Int.init), let v = r.uint(width) else { return nil }
                io[id] = v
            }
        }
        if codec == codec8E {
            guard let n = r.u16() else { return nil }
            for _ in 0..<n {
                guard let id = r.u16(), let len = r.u16(), let value = r.take(len) else { return nil }
                // Values wider than 8 bytes (Bluetooth beacons, CAN blobs) stay in the raw archive only.
                if len <= 8 { io[id] = value.reduce(0) { $0 << 8 | UInt64($1) } }
            }
        }
        let latDeg = Double(lat) / 10_000_000
        let lonDeg = Double(lon) / 10_000_000
        guard GPSFix.isOnEarth(lat: latDeg, lon: lonDeg) else { return nil }
        return Record(
            observedAt: Date(timeIntervalSince1970: Double(ms) / 1000), priority: Int(priority), lat: latDeg,
            lon: lonDeg, altitudeM: alt, courseDeg: angle, satellites: Int(sats), speedKmh: speed, eventIO: eventIO,
            io: io)
    }
}
