import HubStore
import Testing

/// The store-neutral chain: link values, the canonical encoding, and the walk that checks a table.
struct ArchiveChainTests {
    static let record = RawRecordLink(
        seq: 7, sha256: String(repeating: "ab", count: 32), format: "rapiscan-lines", deviceID: "rpm-1",
        firstReceivedAt: "2026-11-25T06:00:00.000Z", receivedAt: "2026-11-25T06:00:01.250Z", frameCount: 3)

    @Test func sha256AndLinksAreTheStandardDigest() {
        // FIPS 180-2 test vectors.
        #expect(ChainHash.hex(ChainHash.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ChainHash.hex(ChainHash.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ChainHash.genesis.bytes == [UInt8](repeating: 0, count: 32))
        let link = ChainHash.next(after: .genesis, Self.record.canonical)
        #expect(link.bytes == ChainHash.sha256(ChainHash.genesis.bytes + Self.record.canonical))
        #expect(ChainHash.next(after: link, Self.record.canonical) != link, "the same row after another link differs")
        #expect(ChainHash([1, 2, 3]) == nil)
    }

    @Test func theCanonicalEncodingIsTaggedAndLengthPrefixed() {
        var expected: [UInt8] = []
        func int(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { expected.append(UInt8((v >> UInt64(s)) & 0xFF)) } }
        func text(_ s: String) { int(UInt64(s.utf8.count)); expected += Array(s.utf8) }
        text("niihub.raw/1")
        int(7)
        text(String(repeating: "ab", count: 32))
        text("rapiscan-lines")
        text("rpm-1")
        text("2026-11-25T06:00:00.000Z")
        text("2026-11-25T06:00:01.250Z")
        int(3)
        #expect(Self.record.canonical == expected)
    }

    @Test func everyCommittedFieldChangesTheLink() {
        let base = Self.record.canonical
        var variants: [RawRecordLink] = []
        for change in 0..<7 {
            var r = Self.record
            switch change {
            case 0: r.seq += 1
            case 1: r.sha256 = String(repeating: "ac", count: 32)
            case 2: r.format = "nmea-lines"
            case 3: r.deviceID = "rpm-2"
            case 4: r.firstReceivedAt = "2026-11-25T06:00:00.001Z"
            case 5: r.receivedAt = "2026-11-25T06:00:01.251Z"
            default: r.frameCount = 4
            }
            variants.append(r)
        }
        #expect(variants.allSatisfy { $0.canonical != base })
        // Moving a character from one field to the next is a different record.
        var a = Self.record, b = Self.record
        a.format = "ab"; a.deviceID = "c"
        b.format = "a"; b.deviceID = "bc"
        #expect(a.canonical != b.canonical)
        let event = EventLink(
            seq: 1, id: "01J", kind: "radiation.alarm", deviceID: "rpm-1", site: nil, lane: "1", severity: "alarm",
            observedAt: "2026-11-25T06:00:00.000Z", receivedAt: "2026-11-25T06:00:00.000Z", rawSHA256: Self.record.sha256,
            bodySHA256: ChainHash.sha256(Array("{}".utf8)))
        var emptySite = event
        emptySite.site = ""
        var otherBody = event
        otherBody.bodySHA256 = ChainHash.sha256(Array("{ }".utf8))
        #expect(event.canonical != emptySite.canonical, "no site and an empty site differ")
        #expect(event.canonical != otherBody.canonical)
    }

    /// Five rows' encodings and their chain values.
    static func chain(_ n: Int) -> [(canonical: [UInt8], chain: ChainHash)] {
        var prev = ChainHash.genesis
        return (1...n).map { i in
            var r = record
            r.seq = Int64(i)
            prev = ChainHash.next(after: prev, r.canonical)
            return (r.canonical, prev)
        }
    }

    @Test func anIntactTableWalksCleanToItsHead() {
        let rows = Self.chain(5)
        var walk = ChainWalk()
        for (i, r) in rows.enumerated() { #expect(walk.visit(seq: Int64(i + 1), canonical: r.canonical, stored: r.chain) == nil) }
        walk.finish(head: (5, rows[4].chain))
        #expect(walk.breakCount == 0 && walk.rows == 5)
    }

    @Test func aChangedRowBreaksOnceAndTheRestStillVerify() {
        var rows = Self.chain(5)
        rows[2].canonical[20] ^= 1
        var walk = ChainWalk()
        for (i, r) in rows.enumerated() { walk.visit(seq: Int64(i + 1), canonical: r.canonical, stored: r.chain) }
        walk.finish(head: (5, rows[4].chain))
        #expect(walk.breakCount == 1)
        #expect(walk.breaks.first?.seq == 3)
        #expect(walk.breaks.first?.problem.contains("chain value differs") == true)
    }

    @Test func removedRowsBreakUnlessTheLedgerBridgesThem() {
        let rows = Self.chain(6)
        var cut = ChainWalk()
        for i in [0, 1, 4, 5] { cut.visit(seq: Int64(i + 1), canonical: rows[i].canonical, stored: rows[i].chain) }
        cut.finish(head: (6, rows[5].chain))
        #expect(cut.breaks.map(\.seq) == [3])
        #expect(cut.breaks.first?.problem.contains("seqs 3–4 are missing") == true)

        var purged = ChainWalk()
        for i in [0, 1] { purged.visit(seq: Int64(i + 1), canonical: rows[i].canonical, stored: rows[i].chain) }
        purged.skip(PurgedRange(first: 3, last: 4, lastChain: rows[3].chain))
        for i in [4, 5] { purged.visit(seq: Int64(i + 1), canonical: rows[i].canonical, stored: rows[i].chain) }
        purged.finish(head: (6, rows[5].chain))
        #expect(purged.breakCount == 0 && purged.purgedRows == 2)

        // A ledger anchor that is not the purged row's chain value breaks the next row.
        var forged = ChainWalk()
        forged.skip(PurgedRange(first: 1, last: 2, lastChain: rows[0].chain))
        for i in 2..<6 { forged.visit(seq: Int64(i + 1), canonical: rows[i].canonical, stored: rows[i].chain) }
        #expect(forged.breaks.map(\.seq) == [3])
    }

    @Test func aTruncatedTailDisagreesWithTheHead() {
        let rows = Self.chain(5)
        var walk = ChainWalk()
        for i in 0..<3 { walk.visit(seq: Int64(i + 1), canonical: rows[i].canonical, stored: rows[i].chain) }
        walk.finish(head: (5, rows[4].chain))
        #expect(walk.breaks.map(\.seq) == [4])
        #expect(walk.breaks.first?.problem.contains("rows 4–5 were removed") == true)
        var purgedTail = ChainWalk()
        for i in 0..<3 { purgedTail.visit(seq: Int64(i + 1), canonical: rows[i].canonical, stored: rows[i].chain) }
        purgedTail.skip(PurgedRange(first: 4, last: 5, lastChain: rows[4].chain))
        purgedTail.finish(head: (5, rows[4].chain))
        #expect(purgedTail.breakCount == 0)
    }
}
