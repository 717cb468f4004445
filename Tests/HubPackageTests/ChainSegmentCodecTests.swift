import HubModel
import HubPackage
import HubStore
import Testing

/// The chain segment member: written and read back exactly; a short or hostile one refused.
@Suite struct ChainSegmentCodecTests {
    static func segment() -> ChainSegment {
        let link = RawRecordLink(
            seq: 5, sha256: String(repeating: "ab", count: 32), format: "nmea", deviceID: "gps-1", firstReceivedAt: "2026-11-25T10:00:00.000Z",
            receivedAt: "2026-11-25T10:00:01.000Z", frameCount: 2)
        let previous = ChainHash.next(after: .genesis, [1, 2, 3])
        let row = ChainedRow(seq: 5, canonical: link.canonical, chain: ChainHash.next(after: previous, link.canonical))
        return ChainSegment(
            table: .raw, firstSeq: 3, previous: previous,
            entries: [.purged(PurgedRange(first: 3, last: 4, lastChain: previous)), .row(row)])
    }

    @Test func roundTripsAndItsLinksReadBack() throws {
        let bytes = ChainSegmentCodec.encode(Self.segment())
        #expect(try ChainSegmentCodec.decode(bytes[...]).get() == Self.segment())
        guard case .row(let row) = Self.segment().entries[1] else { return }
        let fields = try #require(LinkFields.read(row.canonical, table: .raw))
        #expect(fields.seq == 5 && fields.contentSHA256 == String(repeating: "ab", count: 32))
        #expect(LinkFields.read(row.canonical, table: .events) == nil, "a raw link is not an event link")
        #expect(LinkFields.read(row.canonical + [0], table: .raw) == nil, "a byte after the link")
    }

    @Test func refusesEveryTruncationAndAnOverlongLink() {
        let bytes = ChainSegmentCodec.encode(Self.segment())
        for n in 0..<bytes.count {
            if case .success = ChainSegmentCodec.decode(bytes.prefix(n)) {
                // Only whole entries may end a segment: the header, the purged range, or everything.
                #expect(n == 8 + 1 + 1 + 11 + 8 + 32 || n == 8 + 1 + 1 + 11 + 8 + 32 + 49, "cut at \(n)")
            }
        }
        var hostile = Array(bytes.prefix(8 + 1 + 1 + 11 + 8 + 32))
        hostile += [UInt8(ascii: "R")] + [UInt8](repeating: 0, count: 8) + [0xff, 0xff, 0xff, 0xff]
        #expect(throws: SegmentProblem.self) { try ChainSegmentCodec.decode(hostile[...]).get() }
    }
}
