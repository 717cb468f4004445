/// Seqs a purge removed from a chained table, with the chain value of the last one: the anchor
/// the next kept row's link follows. Written in the purge's own transaction.
public struct PurgedRange: Sendable, Equatable {
    public var first: Int64
    public var last: Int64
    public var lastChain: ChainHash

    public init(first: Int64, last: Int64, lastChain: ChainHash) {
        self.first = first
        self.last = last
        self.lastChain = lastChain
    }
}

/// Where one chained table stops agreeing with itself.
public struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
    /// The row at fault (for a missing run, its first seq).
    public var seq: Int64
    public var problem: String

    public init(seq: Int64, problem: String) {
        self.seq = seq
        self.problem = problem
    }

    public var description: String { "seq \(seq): \(problem)" }
}

/// Checks one chained table row by row, in seq order, with its purge ledger merged in.
///
/// The caller streams rows (`visit`) and the ledger's ranges (`skip`) in seq order, a range before
/// the row that follows it, then calls `finish` with the table's recorded head. Every row's link is
/// checked against the one before it; after a bad link the walk goes on from the stored value, so
/// one changed row counts once and the rows after it still verify.
public struct ChainWalk: Sendable {
    /// The seq the next row or range must start at.
    public private(set) var expected: Int64 = 1
    public private(set) var previous = ChainHash.genesis
    public private(set) var rows = 0
    public private(set) var purgedRows: Int64 = 0
    /// The first breaks, in seq order (at most `keep`).
    public private(set) var breaks: [ChainBreak] = []
    /// How many breaks were found in all.
    public private(set) var breakCount = 0
    private let keep: Int

    public init(keep: Int = 20) { self.keep = keep }

    private mutating func record(_ b: ChainBreak) {
        breakCount += 1
        if breaks.count < keep { breaks.append(b) }
    }

    /// Takes a purged range: it must start right where the walk is.
    public mutating func skip(_ range: PurgedRange) {
        if range.first != expected {
            let what = range.first > expected
                ? "seqs \(expected)–\(range.first - 1) are missing and not in the purge ledger"
                : "the purge ledger's range \(range.first)–\(range.last) overlaps rows before it"
            record(ChainBreak(seq: min(range.first, expected), problem: what))
        }
        previous = range.lastChain
        purgedRows += range.last - range.first + 1
        expected = max(expected, range.last + 1)
    }

    /// Checks one row; `canonical` is its encoding and `stored` its chain column (nil if empty).
    /// Returns the break found at this row, if any.
    @discardableResult
    public mutating func visit(seq: Int64, canonical: [UInt8], stored: ChainHash?) -> ChainBreak? {
        var found: ChainBreak?
        if seq > expected {
            found = ChainBreak(
                seq: expected,
                problem: "seqs \(expected)–\(seq - 1) are missing and not in the purge ledger (rows removed before seq \(seq))")
        } else if seq < expected {
            found = ChainBreak(seq: seq, problem: "row is listed as purged, or repeats a seq, yet is still stored")
        }
        let computed = ChainHash.next(after: previous, canonical)
        if found == nil, computed != stored {
            found = ChainBreak(
                seq: seq,
                problem: stored == nil
                    ? "no chain value stored"
                    : "chain value differs (stored \(stored!.hex.prefix(16))…, fields give \(computed.hex.prefix(16))…): "
                        + "a field of this row was changed, or the row before it")
        }
        if let found { record(found) }
        previous = stored ?? computed
        expected = seq + 1
        rows += 1
        return found
    }

    /// Records a problem with a row's content found outside the chain (bytes, body, reference).
    public mutating func flag(seq: Int64, problem: String) {
        record(ChainBreak(seq: seq, problem: problem))
    }

    /// Checks the end of the table against its recorded head (nil: nothing was ever appended).
    public mutating func finish(head: (seq: Int64, chain: ChainHash)?) {
        let last = expected - 1
        guard let head else {
            if last > 0 { record(ChainBreak(seq: last, problem: "rows are stored but no chain head is recorded")) }
            return
        }
        if head.seq > last {
            record(
                ChainBreak(
                    seq: last + 1,
                    problem: "the chain head is at seq \(head.seq) but the table ends at seq \(last): rows \(last + 1)–\(head.seq) were removed"))
        } else if head.seq < last {
            record(ChainBreak(seq: head.seq + 1, problem: "rows after the recorded head (seq \(head.seq)) were added outside the store"))
        } else if head.chain != previous {
            record(ChainBreak(seq: last, problem: "the last row's chain value differs from the recorded head"))
        }
    }
}
