import HubStore

/// The fields of a canonical link a verifier needs: which row, and the hash it commits the
/// record's content by. Read strictly: the bytes must be exactly the encoding of the link they
/// decode to (`RawRecordLink` / `EventLink` re-encode to the same bytes), so there is one reading.
public struct LinkFields: Sendable, Equatable {
    public var seq: Int64
    /// Raw record: its hex sha256. Event: hex of its body's SHA-256.
    public var contentSHA256: String
    /// Events: id and kind.
    public var eventID: String?
    public var eventKind: String?
    /// Events: the hex sha256 of the raw record they came from.
    public var rawSHA256: String?

    public static func read(_ canonical: [UInt8], table: ChainedTable) -> LinkFields? {
        var r = ChainSegmentCodec.Reader(bytes: canonical[...])
        func text() throws(ChainSegmentCodec.Short) -> String { String(decoding: try r.blob(), as: UTF8.self) }
        func optional() throws(ChainSegmentCodec.Short) -> String? {
            switch try r.take(1).first {
            case 0: return nil
            case 1: return try text()
            default: throw ChainSegmentCodec.Short()
            }
        }
        do {
            switch table {
            case .raw:
                guard try text() == "niihub.raw/1" else { return nil }
                let link = RawRecordLink(
                    seq: try r.int(), sha256: try text(), format: try text(), deviceID: try text(), firstReceivedAt: try text(),
                    receivedAt: try text(), frameCount: try r.int())
                guard r.atEnd, link.canonical == canonical else { return nil }
                return LinkFields(seq: link.seq, contentSHA256: link.sha256)
            case .events:
                guard try text() == "niihub.event/1" else { return nil }
                let link = EventLink(
                    seq: try r.int(), id: try text(), kind: try text(), deviceID: try text(), site: try optional(), lane: try optional(),
                    severity: try text(), observedAt: try text(), receivedAt: try text(), rawSHA256: try text(), bodySHA256: Array(try r.blob()))
                guard r.atEnd, link.canonical == canonical else { return nil }
                return LinkFields(
                    seq: link.seq, contentSHA256: ChainHash.hex(link.bodySHA256), eventID: link.id, eventKind: link.kind, rawSHA256: link.rawSHA256)
            }
        } catch {
            return nil
        }
    }
}
