import Foundation
import GRDB
import HubModel
@testable import HubStore
import Testing

/// Events and raw records at chosen ages, and ways to change a store file behind the store's back.
enum ChainFixtures {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let ids = EventIDGenerator()

    static func record(_ text: String, device: String = "rpm-1", daysAgo: Double) -> RawRecord {
        let bytes = Array(text.utf8)
        let at = now.addingTimeInterval(-daysAgo * 86_400)
        return RawRecord(
            sha256: ChainHash.hex(ChainHash.sha256(bytes)), format: "rapiscan-lines", deviceID: device,
            firstReceivedAt: at, receivedAt: at, frameCount: 1, bytes: bytes)
    }

    static func event(_ kind: String, raw: RawRecord, daysAgo: Double, containers: [String]? = nil) -> InspectionEvent {
        let at = now.addingTimeInterval(-daysAgo * 86_400)
        var subject = Subject()
        subject.containers = containers
        return InspectionEvent(
            id: ids.next(at: at), kind: kind, device: DeviceRef(id: raw.deviceID, profile: "rapiscan-rpm", family: "radiation-portal"),
            site: "gate-3", lane: "1", observedAt: at, receivedAt: at, subject: subject, data: ["kind": .string(kind)],
            severity: kind == "radiation.alarm" ? .alarm : .info, raw: raw.ref)
    }

    /// One record and one event of `kind`, `daysAgo` old, in one batch.
    static func batch(_ kind: String, _ n: Int, daysAgo: Double, device: String = "rpm-1") -> IngestBatch {
        let r = record("\(kind) \(n) \(daysAgo)\r\n", device: device, daysAgo: daysAgo)
        return IngestBatch(records: [r], events: [event(kind, raw: r, daysAgo: daysAgo)])
    }

    /// Runs `sql` on the file through a connection of its own, with the append-only triggers dropped
    /// first: what someone with the file and a SQLite shell could do.
    static func tamper(_ path: String, _ sql: String, arguments: StatementArguments = []) throws {
        let db = try DatabaseQueue(path: path)
        try db.write { db in
            for t in ["events_append_only_update", "events_append_only_delete", "raw_append_only_update", "raw_append_only_delete"] {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(t)")
            }
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    /// A store at `path` as the hub left it before `migration`: every earlier migration, then the
    /// rows today's code writes for `batches` (built in a scratch store beside it), copied into the
    /// columns the old tables have. Opening it with `SQLiteEventStore` then upgrades it.
    static func storeBefore(_ migration: String, at path: String, with batches: [IngestBatch]) async throws {
        let scratch = path + ".today"
        let today = try SQLiteEventStore(path: scratch)
        for b in batches { try await today.append(b) }
        await today.close()
        let migrator = SQLiteEventStore.migrator
        let ours = try #require(migrator.migrations.firstIndex(of: migration))
        let old = try DatabaseQueue(path: path)
        try migrator.migrate(old, upTo: migrator.migrations[ours - 1])
        try old.inDatabase { db in
            try db.execute(sql: "ATTACH DATABASE ? AS today", arguments: [scratch])
            for table in ["raw_records", "events", "event_keys", "chain_heads"] {
                let columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table))").map { $0["name"] as String }
                    .joined(separator: ", ")
                try db.execute(sql: "INSERT OR REPLACE INTO main.\(table) (\(columns)) SELECT \(columns) FROM today.\(table)")
            }
            try db.execute(sql: "DETACH DATABASE today")
        }
        try old.close()
    }

    static func count(_ path: String, _ sql: String, arguments: StatementArguments = []) throws -> Int {
        try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? -1 }
    }
}
