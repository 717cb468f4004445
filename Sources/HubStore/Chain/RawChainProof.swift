/// What a reader needs to check one raw record's place in the archive's hash chain by hand: the
/// record's link and canonical bytes, the chain value it follows, its own, the next row's link
/// (which must build on it), and the table's head. A browser recomputes every link from these
/// rather than trusting the store's word.
public struct RawChainProof: Sendable, Equatable {
    /// The record's fields as the chain commits to them (its `canonical` is what is hashed).
    public var link: RawRecordLink
    /// The chain value of the row before: `genesis` for the first row, the purge ledger's value
    /// when the row before was removed by retention; nil when it is missing with no ledger entry.
    public var previous: ChainHash?
    /// The row before was removed by a purge (its chain value comes from the ledger).
    public var previousPurged: Bool
    /// The record's stored chain value.
    public var chain: ChainHash
    /// The following row's link and stored chain value, when it is still stored.
    public var next: Next?
    /// The following seq was removed by a purge, so the next link cannot be shown.
    public var nextPurged: Bool
    /// The table's last seq and chain value.
    public var headSeq: Int64
    public var headChain: ChainHash

    /// The row after the record.
    public struct Next: Sendable, Equatable {
        public var link: RawRecordLink
        public var chain: ChainHash

        public init(link: RawRecordLink, chain: ChainHash) {
            self.link = link
            self.chain = chain
        }
    }

    public init(
        link: RawRecordLink, previous: ChainHash?, previousPurged: Bool, chain: ChainHash, next: Next?, nextPurged: Bool,
        headSeq: Int64, headChain: ChainHash
    ) {
        self.link = link
        self.previous = previous
        self.previousPurged = previousPurged
        self.chain = chain
        self.next = next
        self.nextPurged = nextPurged
        self.headSeq = headSeq
        self.headChain = headChain
    }

    /// The proof from what a store read in one snapshot, with the rules both stores share in one
    /// place: seq 1 follows genesis; a row before that retention removed is followed through the
    /// purge ledger's value (`ledgerBefore`); with no row after, `purgeAfter` says whether a purge
    /// took it.
    public init(
        link: RawRecordLink, chain: ChainHash, rowBefore: ChainHash?, ledgerBefore: ChainHash?, next: Next?, purgeAfter: Bool,
        headSeq: Int64, headChain: ChainHash
    ) {
        let purgedBefore = link.seq > 1 && rowBefore == nil && ledgerBefore != nil
        self.init(
            link: link, previous: link.seq == 1 ? .genesis : rowBefore ?? ledgerBefore, previousPurged: purgedBefore, chain: chain,
            next: next, nextPurged: next == nil && purgeAfter, headSeq: headSeq, headChain: headChain)
    }

    /// The record's link follows the previous value: SHA-256(previous ‖ canonical) is its chain value.
    public var linkVerifies: Bool {
        guard let previous else { return false }
        return ChainHash.next(after: previous, link.canonical) == chain
    }

    /// The next row's link builds on this record's chain value (true when there is no next row).
    public var nextVerifies: Bool {
        guard let next else { return true }
        return ChainHash.next(after: chain, next.link.canonical) == next.chain
    }
}

/// The answer to "where is this raw record in the chain?".
public enum RawChainLookup: Sendable, Equatable {
    case found(RawChainProof)
    /// No record with that hash; `purgedRows` raw records were removed by purges (the last at
    /// `lastPurgeAt`), so it may have been one of them.
    case notStored(purgedRows: Int64, lastPurgeAt: String?)
}
