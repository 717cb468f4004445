/// A scan image as a pyramid of levels, each half the size of the one below, cut into square tiles,
/// so a viewer fetches only the 16-bit samples it shows: the whole of a 10,000 × 2,000 scan at the
/// screen's size, then full detail only where it zooms in.
///
/// Level 0 is the image; each sample of level k + 1 is the rounded mean of the 2 × 2 block under it
/// (of the pixels present, at an odd right or bottom edge). The last level is the first whose width
/// and height both fit in one tile.
public struct ImagePyramid: Sendable {
    /// One level's size, and how many tiles cover it.
    public struct Level: Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var columns: Int
        public var rows: Int
    }

    public let tileSize: Int
    public let levels: [Level]
    /// Each level's samples, row-major.
    private let samples: [[UInt16]]
    /// The smallest and largest sample of the image, and the suggested window (0.5th to 99.5th percentile).
    public let minimum: UInt16
    public let maximum: UInt16
    public let window: (center: Double, width: Double)

    /// Bytes the pyramid holds: what a cache of pyramids counts.
    public var bytes: Int { samples.reduce(0) { $0 + $1.count * 2 } }

    /// Bytes a pyramid of `width × height` would hold, before building it (levels sum to under 4/3 of level 0).
    public static func estimatedBytes(width: Int, height: Int) -> Int { width * height * 2 * 4 / 3 + 2 * 1024 }

    public init(_ image: ScanImage, tileSize: Int = 256) {
        precondition(tileSize > 0)
        self.tileSize = tileSize
        var levels: [Level] = []
        var samples: [[UInt16]] = []
        var (w, h, s) = (image.width, image.height, image.samples)
        while true {
            levels.append(Level(width: w, height: h, columns: (w + tileSize - 1) / tileSize, rows: (h + tileSize - 1) / tileSize))
            samples.append(s)
            if w <= tileSize && h <= tileSize { break }
            (w, h, s) = Self.half(s, width: w, height: h)
        }
        self.levels = levels
        self.samples = samples
        var histogram = [Int](repeating: 0, count: 65536)
        for v in image.samples { histogram[Int(v)] += 1 }
        let count = image.samples.count
        func percentile(_ p: Double) -> Int {
            let target = max(1, Int((Double(count) * p).rounded(.up)))
            var seen = 0
            for (v, n) in histogram.enumerated() {
                seen += n
                if seen >= target { return v }
            }
            return 65535
        }
        minimum = UInt16(histogram.firstIndex { $0 > 0 } ?? 0)
        maximum = UInt16(histogram.lastIndex { $0 > 0 } ?? 0)
        let (low, high) = (percentile(0.005), percentile(0.995))
        window = (center: Double(low + high) / 2, width: Double(max(1, high - low)))
    }

    /// The next level: each sample the rounded mean of the (up to) 2 × 2 block below it.
    static func half(_ s: [UInt16], width w: Int, height h: Int) -> (Int, Int, [UInt16]) {
        let (hw, hh) = ((w + 1) / 2, (h + 1) / 2)
        var out = [UInt16](repeating: 0, count: hw * hh)
        out.withUnsafeMutableBufferPointer { o in
            s.withUnsafeBufferPointer { p in
                for y in 0..<hh {
                    let y0 = 2 * y, y1 = min(2 * y + 1, h - 1)
                    for x in 0..<hw {
                        let x0 = 2 * x, x1 = min(2 * x + 1, w - 1)
                        var sum = Int(p[y0 * w + x0]), n = 1
                        if x1 != x0 { sum += Int(p[y0 * w + x1]); n += 1 }
                        if y1 != y0 {
                            sum += Int(p[y1 * w + x0]); n += 1
                            if x1 != x0 { sum += Int(p[y1 * w + x1]); n += 1 }
                        }
                        o[y * hw + x] = UInt16((sum + n / 2) / n)
                    }
                }
            }
        }
        return (hw, hh, out)
    }

    /// One tile's samples (row-major) and size: `tileSize` square but at the right and bottom edges;
    /// nil for a level, column or row outside the pyramid.
    public func tile(level: Int, column: Int, row: Int) -> (width: Int, height: Int, samples: [UInt16])? {
        guard levels.indices.contains(level) else { return nil }
        let l = levels[level]
        guard (0..<l.columns).contains(column), (0..<l.rows).contains(row) else { return nil }
        let x0 = column * tileSize, y0 = row * tileSize
        let tw = min(tileSize, l.width - x0), th = min(tileSize, l.height - y0)
        var out = [UInt16]()
        out.reserveCapacity(tw * th)
        let s = samples[level]
        for y in y0..<(y0 + th) { out.append(contentsOf: s[(y * l.width + x0)..<(y * l.width + x0 + tw)]) }
        return (tw, th, out)
    }

    /// A tile as the viewer reads it: little-endian 16-bit samples.
    public func tileBytes(level: Int, column: Int, row: Int) -> (width: Int, height: Int, bytes: [UInt8])? {
        guard let t = tile(level: level, column: column, row: row) else { return nil }
        var bytes = [UInt8](repeating: 0, count: t.samples.count * 2)
        for (i, v) in t.samples.enumerated() {
            bytes[2 * i] = UInt8(truncatingIfNeeded: v)
            bytes[2 * i + 1] = UInt8(truncatingIfNeeded: v >> 8)
        }
        return (t.width, t.height, bytes)
    }
}
