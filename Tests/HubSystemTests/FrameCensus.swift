import Foundation

/// How many times each of some frames occurs in the raw archive. A raw record holds whole frames
/// (a reading's run), so a frame is stored once per occurrence of its bytes inside a record; the
/// frames looked for are unique per unit (see `CrashStreams.gt06(firstSerial:)` and
/// `teltonika(lon:)`), so an occurrence is that unit's frame and no other's.
enum FrameCensus {
    /// The occurrences of each of `frames` in `records` (frames found nowhere are absent).
    static func count(_ frames: Set<[UInt8]>, in records: [[UInt8]]) -> [[UInt8]: Int] {
        let lengths = Set(frames.map(\.count)).sorted()
        // A 4-byte head is checked before a slice is copied: most offsets start no wanted frame.
        let heads = Set(frames.map { head($0[...]) })
        var found: [[UInt8]: Int] = [:]
        for record in records {
            guard let shortest = lengths.first, record.count >= shortest else { continue }
            for start in 0...(record.count - shortest) where heads.contains(head(record[start...])) {
                for length in lengths where start + length <= record.count {
                    let slice = Array(record[start..<start + length])
                    if frames.contains(slice) { found[slice, default: 0] += 1 }
                }
            }
        }
        return found
    }

    /// The first four bytes (fewer at the end), packed, for the quick check.
    static func head(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.prefix(4).reduce(UInt32(bytes.prefix(4).count)) { $0 << 8 | UInt32($1) }
    }

    /// psql's `encode(bytes, 'hex')` rows, one a line, back to bytes.
    static func records(fromHexLines text: String) -> [[UInt8]] {
        text.split(separator: "\n").map { line in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(line.utf8.count / 2)
            var high: UInt8?
            for c in line.utf8 {
                guard let v = nibble(c) else { continue }
                if let h = high {
                    bytes.append(h << 4 | v)
                    high = nil
                } else {
                    high = v
                }
            }
            return bytes
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
