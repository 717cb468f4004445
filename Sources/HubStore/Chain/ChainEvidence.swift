import HubModel

/// One chained row as a proof needs it: its seq, the canonical encoding of its link (what the
/// chain hashes) and its stored chain value.
public struct ChainedRow: Sendable, Equatable {
    public var seq: Int64
    public var canonical: [UInt8]
    public var chain: ChainHash

    public init(seq: Int64, canonical: [UInt8], chain: ChainHash) {
        self.seq = seq
        self.canonical = canonical
        self.chain = chain
    }
}

/// A run of one chained table, in seq order, that a reader can recompute link by link: the value
/// the first row follows, then each row (or each range a purge removed, bridged by the ledger's
/// anchor). Its last chain value is the head a signer vouches for.
public struct ChainSegment: Sendable, Equatable {
    public enum Entry: Sendable, Equatable {
        case row(ChainedRow)
        case purged(PurgedRange)
    }

    public var table: ChainedTable
    /// The first seq the segment covers.
    public var firstSeq: Int64
    /// The chain value of the row before `firstSeq` (genesis before seq 1).
    public var previous: ChainHash
    public var entries: [Entry]

    public init(table: ChainedTable, firstSeq: Int64, previous: ChainHash, entries: [Entry]) {
        self.table = table
        self.firstSeq = firstSeq
        self.previous = previous
        self.entries = entries
    }
}

/// An event exactly as stored: the body whose SHA-256 the chain commits to, and its place.
public struct StoredEventBody: Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var kind: String
    public var body: String
    public var chain: ChainHash

    public init(seq: Int64, id: String, kind: String, body: String, chain: ChainHash) {
        self.seq = seq
        self.id = id
        self.kind = kind
        self.body = body
        self.chain = chain
    }
}

/// A raw record exactly as stored, with its place in the archive's chain.
public struct StoredRawRecord: Sendable, Equatable {
    public var seq: Int64
    public var record: RawRecord
    public var chain: ChainHash

    public init(seq: Int64, record: RawRecord, chain: ChainHash) {
        self.seq = seq
        self.record = record
        self.chain = chain
    }
}

/// A segment asked for is longer than the caller allows.
public struct ChainSegmentTooLong: Error, CustomStringConvertible {
    public var table: ChainedTable
    public var rows: Int64
    public var limit: Int

    public init(table: ChainedTable, rows: Int64, limit: Int) {
        self.table = table
        self.rows = rows
        self.limit = limit
    }

    public var description: String {
        "the \(table.rowName)s to prove span \(rows) rows of the chain, more than the \(limit) a package may carry"
    }
}

/// What a signed evidence package reads from a store: exact bodies and bytes, and the chain
/// between them.
public protocol ChainEvidenceStore: Sendable {
    /// Events of `kinds` whose subject names the declaration (risk assessments, transit findings:
    /// the hub's own conclusions, which carry the number rather than an identifier to link by).
    func eventIDs(aboutDeclaration number: String, kinds: [String]) async throws -> [String]
    /// The events among `ids` that are stored, with their exact bodies, in seq order.
    func storedEventBodies(ids: [String]) async throws -> [StoredEventBody]
    /// The first stored raw record with each of `sha256s`, in seq order.
    func storedRawRecords(sha256s: [String]) async throws -> [StoredRawRecord]
    /// Every row of `table` from `first` through `last` (purged runs as ledger anchors), with the
    /// chain value before `first`; refuses a span of more than `maxRows` seqs.
    func chainSegment(_ table: ChainedTable, from first: Int64, through last: Int64, maxRows: Int) async throws -> ChainSegment
}
