/// PNG chunks that ask a reader to convert sample values (gAMA, sRGB, iCCP). libpng's simplified
/// reader honours them, turning a 16-bit sRGB-tagged 300 into 0; a scanner's samples are detector
/// values, so the hub drops these chunks and reads the samples as stored.
enum PNGColourChunks {
    static let dropped: Set<[UInt8]> = [Array("gAMA".utf8), Array("sRGB".utf8), Array("iCCP".utf8)]

    /// The file without those chunks, or nil when it has none (or its chunk list is broken before
    /// the first IDAT, which libpng then reports).
    static func stripped(_ bytes: [UInt8]) -> [UInt8]? {
        var at = 8
        var drop: [Range<Int>] = []
        while at + 8 <= bytes.count {
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            let type = Array(bytes[(at + 4)..<(at + 8)])
            let end = at + 12 + length
            guard length <= Int(Int32.max), end <= bytes.count else { break }
            if type == Array("IDAT".utf8) { break }  // colour chunks come before the image data
            if dropped.contains(type) { drop.append(at..<end) }
            at = end
        }
        guard !drop.isEmpty else { return nil }
        var out = bytes
        for range in drop.reversed() { out.removeSubrange(range) }
        return out
    }
}
