import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// A raw record's chain proof on both stores, checked the way the analyst's browser checks it: the
/// canonical bytes rebuilt from the fields here (not with the store's encoder), then
/// SHA-256(previous ‖ canonical) against the stored chain value, and the next link on top of it.
struct RawChainProofTests {
    typealias F = ChainFixtures

    /// The canonical encoding written out again, independently of `CanonicalEncoding`: big-endian
    /// 64-bit integers, and UTF-8 text after its 64-bit length, behind the tag `niihub.raw/1`.
    static func canonical(_ l: RawRecordLink) -> [UInt8] {
        func int(_ v: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: v) >> UInt64(56 - 8 * $0)) } }
        func text(_ s: String) -> [UInt8] { int(Int64(s.utf8.count)) + Array(s.utf8) }
        return text("niihub.raw/1") + int(l.seq) + text(l.sha256) + text(l.format) + text(l.deviceID) + text(l.firstReceivedAt)
            + text(l.receivedAt) + int(l.frameCount)
    }

    static func link(after previous: [UInt8], _ canonical: [UInt8]) -> [UInt8] { ChainHash.sha256(previous + canonical) }

    /// What the browser concludes from a proof for bytes hashing to `downloaded`.
    static func browserVerifies(_ p: RawChainProof, downloaded: String) -> Bool {
        guard let previous = p.previous, p.link.sha256 == downloaded, canonical(p.link) == p.link.canonical else { return false }
        guard link(after: previous.bytes, canonical(p.link)) == p.chain.bytes else { return false }
        if let next = p.next, link(after: p.chain.bytes, canonical(next.link)) != next.chain.bytes { return false }
        return true
    }

    static func proof(_ store: any HubRecordStore, _ text: String, daysAgo: Double) async throws -> RawChainProof {
        let sha = F.record(text, daysAgo: daysAgo).sha256
        guard case .found(let p) = try await store.rawChainProof(sha256: sha) else { throw Missing(sha: sha) }
        return p
    }

    struct Missing: Error { var sha: String }

    @Test(arguments: StoreKind.testable)
    func aRecordsLinkAndTheNextOneVerifyFromTheProofAlone(kind: StoreKind) async throws {
        let under = try await StoreChainTests.filled(kind, try TemporaryDirectory("proof"))
        let first = try await Self.proof(under.store, "radiation.background 0 100.0\r\n", daysAgo: 100)
        #expect(first.link.seq == 1 && first.previous == .genesis && !first.previousPurged)
        #expect(first.next?.link.seq == 2 && first.next?.link.sha256 == F.record("radiation.alarm 0 400.0\r\n", daysAgo: 400).sha256)
        #expect(first.headSeq == 11)
        #expect(Self.browserVerifies(first, downloaded: first.link.sha256))
        #expect(!Self.browserVerifies(first, downloaded: String(repeating: "0", count: 64)), "other bytes than the record's")
        let last = try await Self.proof(under.store, "orphan new\r\n", daysAgo: 29)
        #expect(last.link.seq == 11 && last.next == nil && !last.nextPurged)
        #expect(last.chain == last.headChain, "the last record is the head")
        #expect(Self.browserVerifies(last, downloaded: last.link.sha256) && last.linkVerifies)
        #expect(try await under.store.rawChainProof(sha256: String(repeating: "a", count: 64)) == .notStored(purgedRows: 0, lastPurgeAt: nil))
        await under.store.close()
    }

    @Test(arguments: StoreKind.testable)
    func aPurgedNeighbourIsNamedAndAPurgedRecordIsNotStored(kind: StoreKind) async throws {
        let under = try await StoreChainTests.filled(kind, try TemporaryDirectory("proof-purge"))
        _ = try await RetentionPurger(store: under.store, policy: RetentionTests.policy).purge(now: F.now)
        // Seq 1 (a background record) went; seq 2 follows the ledger's chain value for it.
        let second = try await Self.proof(under.store, "radiation.alarm 0 400.0\r\n", daysAgo: 400)
        #expect(second.link.seq == 2 && second.previousPurged && second.nextPurged)
        #expect(Self.browserVerifies(second, downloaded: second.link.sha256))
        let gone = F.record("radiation.background 0 100.0\r\n", daysAgo: 100).sha256
        guard case .notStored(let purged, let at) = try await under.store.rawChainProof(sha256: gone) else {
            Issue.record("a purged record is still found")
            return
        }
        #expect(purged == 5 && at != nil)
        await under.store.close()
    }

    @Test(arguments: StoreKind.testable)
    func aChangedChainValueFailsTheBrowsersCheck(kind: StoreKind) async throws {
        // Kept to the end: tampering opens the SQLite file again.
        let dir = try TemporaryDirectory("proof-tamper")
        let under = try await StoreChainTests.filled(kind, dir)
        let text = "radiation.alarm 1 400.0\r\n"
        let before = try await Self.proof(under.store, text, daysAgo: 400)
        #expect(Self.browserVerifies(before, downloaded: before.link.sha256))
        let forged = under.kind == .sqlite ? "x'\(String(repeating: "ab", count: 32))'" : "'\\x\(String(repeating: "ab", count: 32))'::bytea"
        try await under.tamper("UPDATE raw_records SET chain = \(forged) WHERE seq = \(before.link.seq)")
        let after = try await Self.proof(under.store, text, daysAgo: 400)
        #expect(after.chain.hex == String(repeating: "ab", count: 32))
        #expect(!Self.browserVerifies(after, downloaded: after.link.sha256))
        #expect(!after.linkVerifies && !after.nextVerifies, "neither this link nor the next one builds on the forged value")
        await under.store.close()
        withExtendedLifetime(dir) {}
    }
}
