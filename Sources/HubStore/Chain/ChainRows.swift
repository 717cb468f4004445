import HubModel

/// What both stores do alike around the chain: a record's or an event's link, the ledger's runs of
/// purged seqs, and the content checks of a verify walk.
extension RawRecordLink {
    /// The link of `r` stored at `seq`.
    public init(seq: Int64, record r: RawRecord) {
        self.init(
            seq: seq, sha256: r.sha256, format: r.format, deviceID: r.deviceID,
            firstReceivedAt: Timestamp.format(r.firstReceivedAt), receivedAt: Timestamp.format(r.receivedAt),
            frameCount: Int64(r.frameCount))
    }
}

extension EventLink {
    /// The link of `e`, kept as `body`, stored at `seq`.
    public init(seq: Int64, event e: InspectionEvent, body: String) {
        self.init(
            seq: seq, id: e.id, kind: e.kind, deviceID: e.device.id, site: e.site, lane: e.lane,
            severity: e.severity.rawValue, observedAt: Timestamp.format(e.observedAt),
            receivedAt: Timestamp.format(e.receivedAt), rawSHA256: e.raw.sha256, bodySHA256: ChainHash.sha256(Array(body.utf8)))
    }
}

extension PurgedRange {
    /// Runs of consecutive seqs among purged rows, each with the chain value of its last row.
    public static func runs(_ rows: [(seq: Int64, chain: ChainHash?)]) throws -> [PurgedRange] {
        var out: [PurgedRange] = []
        for r in rows.sorted(by: { $0.seq < $1.seq }) {
            guard let chain = r.chain else { throw StoreCorruption(what: "row seq \(r.seq) has no chain value; run niihub verify") }
            if let last = out.last, last.last + 1 == r.seq {
                out[out.count - 1].last = r.seq
                out[out.count - 1].lastChain = chain
            } else {
                out.append(PurgedRange(first: r.seq, last: r.seq, lastChain: chain))
            }
        }
        return out
    }
}

extension ChainWalk {
    /// Flags a raw record whose bytes hash (hex) to `actual` rather than its recorded `sha256`.
    public mutating func checkBytes(seq: Int64, recorded: String, actual: String) {
        guard actual != recorded else { return }
        flag(
            seq: seq,
            problem: "the bytes no longer hash to the record's sha256 (recorded \(recorded.prefix(16))…, "
                + "bytes hash \(actual.prefix(16))…): the stored bytes were changed")
    }

    /// Flags an event whose body hashes to `digest` rather than its committed hash (none: nothing to compare).
    public mutating func checkBody(seq: Int64, committed: [UInt8]?, digest: [UInt8]) {
        guard let committed, committed != digest else { return }
        flag(
            seq: seq,
            problem: "the body no longer hashes to its committed body_sha256 (committed "
                + "\(ChainHash.hex(committed).prefix(16))…, body hashes \(ChainHash.hex(digest).prefix(16))…): the event body was changed")
    }
}
