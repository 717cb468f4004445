import Foundation
import GRDB
import HubDrivers
import HubIngest
import HubModel
import HubStore
import HubStorePostgres
import HubTesting
import Logging
import Testing

/// `niihub verify` on a store filled from a real portal monitor capture, before and after one
/// stored byte is changed in the file.
@Suite(.timeLimit(.minutes(2)))
struct VerifyCommandTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_000_000)

    /// The capture decoded as the live hub decodes it, at the monitor's five lines a second, one
    /// append per push of 200 lines.
    static func corpusStore(_ path: String) async throws -> StoreCounts {
        try await fill(try SQLiteEventStore(path: path))
    }

    static func fill(_ store: any EventStore) async throws -> StoreCounts {
        let context = DeviceContext(
            device: DeviceRef(id: "rpm-1", profile: "rapiscan-rpm", family: "radiation-portal"), site: "gate-3", lane: "2",
            thresholds: [:])
        var decoder = try #require(FeedDecoder(protocolName: "rpm", context: context, ids: EventIDGenerator()))
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        var at = t0
        for start in stride(from: 0, to: lines.count, by: 200) {
            at = t0.addingTimeInterval(Double(start) * 0.2)
            try await store.append(decoder.push(Array(lines[start..<min(start + 200, lines.count)].joined())[...], receivedAt: at))
        }
        try await store.append(decoder.finish(receivedAt: at))
        return try await store.counts()
    }

    @Test func anIntactCorpusStoreVerifiesAndOneChangedByteIsNamed() async throws {
        let dir = try TemporaryDirectory("verify")
        let path = dir.path("hub.sqlite")
        let counts = try await Self.corpusStore(path)
        #expect(counts.events > 50 && counts.rawRecords > 50, "\(counts)")

        let ok = try CommandLineTests.run(["verify", "--store", path])
        #expect(ok.status == 0, "\(ok.out)\(ok.err)")
        #expect(ok.out.contains("events: \(counts.events) stored, 0 purged"))
        #expect(ok.out.contains("raw records: \(counts.rawRecords) stored"))
        #expect(ok.out.hasSuffix("intact\n"))
        let config = try dir.write("site.yaml", "site: gate-3\nstore:\n  sqlite: hub.sqlite\n")
        try FileManager.default.createDirectory(atPath: dir.path("DeviceProfiles"), withIntermediateDirectories: true)
        let viaConfig = try CommandLineTests.run(["verify", "--config", config])
        #expect(viaConfig.status == 0, "\(viaConfig.out)\(viaConfig.err)")

        // One byte of one record's bytes, changed in the file itself: a short record whose bytes
        // occur once in the file, so the change cannot land anywhere else.
        let db = try DatabaseQueue(path: path)
        try await db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        var file = try Data(contentsOf: URL(fileURLWithPath: path))
        let candidates = try db.read {
            try Row.fetchAll($0, sql: "SELECT seq, device_id, received_at, bytes FROM raw_records WHERE length(bytes) BETWEEN 30 AND 300 ORDER BY seq")
        }
        var target: (seq: Int64, device: String, at: String, offset: Int)?
        for row in candidates.dropFirst(candidates.count / 2) {
            let bytes: Data = row["bytes"]
            let hits = Self.occurrences(of: bytes, in: file)
            if hits.count == 1 {
                target = (row["seq"], row["device_id"], row["received_at"], hits[0] + bytes.count / 2)
                break
            }
        }
        let t = try #require(target)
        try db.close()
        file[t.offset] ^= 0x01
        try file.write(to: URL(fileURLWithPath: path))

        let broken = try CommandLineTests.run(["verify", "--store", path])
        #expect(broken.status == 1)
        #expect(broken.out.contains("raw record seq \(t.seq) (device \(t.device), received \(t.at)): the bytes no longer hash"), "\(broken.out)")
        #expect(broken.out.contains("BROKEN: 1 problem(s) in the raw records"))
        #expect(!broken.out.contains("in the events"))

        // And one character of an event body, changed through SQLite with the triggers dropped.
        let seq = Int64(counts.events / 2)
        let edited = try DatabaseQueue(path: path)
        let where_ = try await edited.write { db -> (String, String) in
            try db.execute(sql: "DROP TRIGGER events_append_only_update")
            try db.execute(
                sql: "UPDATE events SET body = substr(body, 1, 40) || (CASE substr(body, 41, 1) WHEN 'x' THEN 'y' ELSE 'x' END) || substr(body, 42) WHERE seq = ?",
                arguments: [seq])
            let row = try #require(try Row.fetchOne(db, sql: "SELECT device_id, received_at FROM events WHERE seq = ?", arguments: [seq]))
            return (row["device_id"], row["received_at"])
        }
        try edited.close()
        let both = try CommandLineTests.run(["verify", "--store", path])
        #expect(both.status == 1)
        #expect(both.out.contains("event seq \(seq) (device \(where_.0), received \(where_.1)): the body no longer hashes"), "\(both.out)")
    }

    @Test(.enabled(if: PostgresTestServer.wanted, Comment(rawValue: PostgresTestServer.skipReason)))
    func aPostgresStoreNamedByTheSiteConfigIsVerified() async throws {
        let dir = try TemporaryDirectory("verify-pg")
        let at = try await PostgresTestServer.scratch()
        let store = try await StoreOpener.open(.postgres(at), logger: Logger(label: "verify-test"))
        let counts = try await Self.fill(store)
        await store.close()
        let config = try dir.write("site.yaml", "site: gate-3\n" + StoreKind.postgresBlock(at) + "\n")
        try FileManager.default.createDirectory(atPath: dir.path("DeviceProfiles"), withIntermediateDirectories: true)
        let ok = try CommandLineTests.run(["verify", "--config", config])
        #expect(ok.status == 0, "\(ok.out)\(ok.err)")
        #expect(ok.out.contains("events: \(counts.events) stored, 0 purged"), "\(ok.out)")
        #expect(ok.out.contains("raw records: \(counts.rawRecords) stored"))
        #expect(ok.out.hasSuffix("intact\n"))
    }

    static func occurrences(of needle: Data, in haystack: Data) -> [Int] {
        var hits: [Int] = []
        var from = haystack.startIndex
        while let r = haystack.range(of: needle, in: from..<haystack.endIndex) {
            hits.append(r.lowerBound)
            from = r.lowerBound + 1
        }
        return hits
    }
}
