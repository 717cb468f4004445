import HubStore

/// The binary form of a `ChainSegment` member (`chain/<table>.bin`), big-endian throughout:
///
///     "NIICHAIN" · version 1 (1 byte) · table name (1-byte length, ASCII) · first seq (8) · previous (32)
///     then entries to the end:
///       'R' · seq (8) · canonical length (4) · canonical link · stored chain value (32)
///       'P' · first seq (8) · last seq (8) · the purge ledger's chain value for the last (32)
///
/// A canonical link is the encoding the hub's chain hashes (`RawRecordLink` / `EventLink`), so a
/// reader recomputes every value with SHA-256 alone.
public enum ChainSegmentCodec {
    static let magic = Array("NIICHAIN".utf8)
    /// A canonical link is a few hundred bytes; anything longer is not one.
    public static let maxCanonical = 4096

    public static func encode(_ s: ChainSegment) -> [UInt8] {
        var out = magic + [1]
        let name = Array(s.table.rawValue.utf8)
        out.append(UInt8(name.count))
        out += name
        put(s.firstSeq, &out)
        out += s.previous.bytes
        for e in s.entries {
            switch e {
            case .row(let r):
                out.append(UInt8(ascii: "R"))
                put(r.seq, &out)
                let n = UInt32(r.canonical.count)
                out += [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
                out += r.canonical
                out += r.chain.bytes
            case .purged(let p):
                out.append(UInt8(ascii: "P"))
                put(p.first, &out)
                put(p.last, &out)
                out += p.lastChain.bytes
            }
        }
        return out
    }

    /// Reads a segment; every length is checked against what is left, so it allocates no more
    /// than the member's size.
    public static func decode(_ bytes: ArraySlice<UInt8>) -> Result<ChainSegment, SegmentProblem> {
        var r = Reader(bytes: bytes)
        do {
            guard try r.take(8) == magic[...] else { return .failure(.init("does not start with NIICHAIN")) }
            guard try r.take(1).first == 1 else { return .failure(.init("is not segment version 1")) }
            let nameLength = Int(try r.take(1).first!)
            guard let table = ChainedTable(rawValue: String(decoding: try r.take(nameLength), as: UTF8.self)) else {
                return .failure(.init("names an unknown table"))
            }
            let first = try r.int()
            guard let previous = ChainHash(Array(try r.take(32))) else { return .failure(.init("is cut short")) }
            var entries: [ChainSegment.Entry] = []
            while !r.atEnd {
                switch try r.take(1).first! {
                case UInt8(ascii: "R"):
                    let seq = try r.int()
                    let n = try r.take(4).reduce(0) { $0 << 8 | Int($1) }
                    guard n <= maxCanonical else { return .failure(.init("holds a link of \(n) bytes at seq \(seq)")) }
                    let canonical = Array(try r.take(n))
                    let chain = ChainHash(Array(try r.take(32)))!
                    entries.append(.row(ChainedRow(seq: seq, canonical: canonical, chain: chain)))
                case UInt8(ascii: "P"):
                    let a = try r.int(), b = try r.int()
                    guard b >= a else { return .failure(.init("holds a purged range \(a)–\(b) that ends before it starts")) }
                    entries.append(.purged(PurgedRange(first: a, last: b, lastChain: ChainHash(Array(try r.take(32)))!)))
                case let t:
                    return .failure(.init("holds an entry of unknown type \(t)"))
                }
            }
            return .success(ChainSegment(table: table, firstSeq: first, previous: previous, entries: entries))
        } catch {
            return .failure(.init("is cut short"))
        }
    }

    private static func put(_ v: Int64, _ out: inout [UInt8]) {
        let u = UInt64(bitPattern: v)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: u >> UInt64(shift))) }
    }

    struct Short: Error {}

    /// Takes bytes from the front, refusing to read past the end.
    struct Reader {
        var bytes: ArraySlice<UInt8>
        var atEnd: Bool { bytes.isEmpty }

        mutating func take(_ n: Int) throws(Short) -> ArraySlice<UInt8> {
            guard n >= 0, n <= bytes.count else { throw Short() }
            defer { bytes = bytes.dropFirst(n) }
            return bytes.prefix(n)
        }

        mutating func int() throws(Short) -> Int64 {
            Int64(bitPattern: try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }

        mutating func blob() throws(Short) -> ArraySlice<UInt8> {
            let n = try int()
            guard n >= 0, n <= Int64(bytes.count) else { throw Short() }
            return try take(Int(n))
        }
    }
}

/// Why a segment member could not be read.
public struct SegmentProblem: Error, Equatable, CustomStringConvertible {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}
