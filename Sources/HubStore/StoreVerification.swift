/// A store whose hash chains `niihub verify` can walk.
public protocol VerifiableStore: Sendable {
    /// Walks the raw archive and the events from their first seq to their heads, with the purge ledger.
    func verify() async throws -> StoreVerification
}

/// What `niihub verify` found in a store: each chained table's walk, and the purge ledger.
public struct StoreVerification: Sendable, Equatable {
    public var tables: [TableVerification]
    /// Purges in the ledger, and when the last one ran (RFC 3339).
    public var purges: Int
    public var lastPurgeAt: String?
    public var seconds: Double

    public init(tables: [TableVerification], purges: Int, lastPurgeAt: String?, seconds: Double) {
        self.tables = tables
        self.purges = purges
        self.lastPurgeAt = lastPurgeAt
        self.seconds = seconds
    }

    public var intact: Bool { tables.allSatisfy { $0.breakCount == 0 } }
}

/// One chained table, walked from its first seq to its head.
public struct TableVerification: Sendable, Equatable {
    public var table: ChainedTable
    public var rows: Int
    /// Bytes hashed: raw record bytes, event bodies.
    public var bytes: Int64
    /// Rows removed by purges (from the ledger).
    public var purgedRows: Int64
    public var headSeq: Int64?
    public var headChain: String?
    public var breakCount: Int
    /// The first broken rows, in seq order.
    public var broken: [BrokenRow]

    public init(
        table: ChainedTable, rows: Int, bytes: Int64, purgedRows: Int64, headSeq: Int64?, headChain: String?,
        breakCount: Int, broken: [BrokenRow]
    ) {
        self.table = table
        self.rows = rows
        self.bytes = bytes
        self.purgedRows = purgedRows
        self.headSeq = headSeq
        self.headChain = headChain
        self.breakCount = breakCount
        self.broken = broken
    }
}

/// A row that does not verify, named so a person can find it: seq, device, receive time, and what differs.
public struct BrokenRow: Sendable, Equatable, CustomStringConvertible {
    public var table: ChainedTable
    public var seq: Int64
    /// Nil when the row is no longer stored.
    public var deviceID: String?
    public var receivedAt: String?
    public var problem: String

    public init(table: ChainedTable, seq: Int64, deviceID: String?, receivedAt: String?, problem: String) {
        self.table = table
        self.seq = seq
        self.deviceID = deviceID
        self.receivedAt = receivedAt
        self.problem = problem
    }

    public var description: String {
        let at = deviceID.map { " (device \($0), received \(receivedAt ?? "?"))" } ?? " (not stored)"
        return "\(table.rowName) seq \(seq)\(at): \(problem)"
    }
}
