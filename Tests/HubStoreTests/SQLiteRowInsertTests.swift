import Foundation
import GRDB
@testable import HubStore
import Testing

/// The rows every stored report writes are bound through SQLite's C interface (`SQLiteRowInsert`):
/// each value lands with the type GRDB gave it, and a refused row fails as a GRDB statement would.
struct SQLiteRowInsertTests {
    static let table = """
        CREATE TABLE t (
            n INTEGER NOT NULL, s TEXT UNIQUE, opt TEXT, b BLOB NOT NULL, d REAL, k INTEGER
        )
        """
    static let insert = "INSERT INTO t (n, s, opt, b, d, k) VALUES (?, ?, ?, ?, ?, ?)"

    @Test func eachValueIsStoredWithItsType() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: Self.table)
            let statement = try db.cachedStatement(sql: Self.insert)
            for (n, s, opt, b, k) in [
                (Int64.max, "Cửa khẩu Hữu Nghị", String?.none, [UInt8](), Int64?.none),
                (-1, "seal-7", "lane 2", [0, 255, 0], 42),
            ] {
                var row = SQLiteRowInsert(statement)
                row.bind(n)
                row.bind(s)
                row.bind(opt)
                row.bind(blob: b)
                row.bind(0.25)
                row.bind(k)
                try row.run(db)
            }
        }
        let rows = try db.read { db in
            try Row.fetchAll(db, sql: "SELECT n, s, opt, b, d, k, typeof(opt), typeof(b), typeof(k) FROM t ORDER BY rowid")
        }
        #expect(rows.count == 2)
        #expect(rows[0]["n"] as Int64 == Int64.max)
        #expect(rows[0]["s"] as String == "Cửa khẩu Hữu Nghị")
        // An empty blob is a blob, not NULL (the column refuses NULL), and a nil is NULL.
        #expect(rows[0][6] as String == "null")
        #expect(rows[0][7] as String == "blob")
        #expect(rows[0][8] as String == "null")
        #expect(rows[0]["b"] as Data == Data())
        #expect(rows[1]["n"] as Int64 == -1)
        #expect(rows[1]["opt"] as String == "lane 2")
        #expect(rows[1]["b"] as Data == Data([0, 255, 0]))
        #expect(rows[1]["d"] as Double == 0.25)
        #expect(rows[1]["k"] as Int64 == 42)
    }

    @Test func aRefusedRowThrowsGRDBsErrorAndTheStatementGoesOn() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: Self.table)
            let statement = try db.cachedStatement(sql: Self.insert)
            func insert(_ s: String) throws {
                var row = SQLiteRowInsert(statement)
                row.bind(Int64(1))
                row.bind(s)
                row.bindNull()
                row.bind(blob: [1])
                row.bind(1.0)
                row.bind(Int64?.none)
                try row.run(db)
            }
            try insert("a")
            do {
                try insert("a")
                Issue.record("a second row with the same unique value was stored")
            } catch let error as DatabaseError {
                #expect(error.resultCode == .SQLITE_CONSTRAINT)
                #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)
                #expect(error.message?.contains("t.s") == true)
            }
            // The same cached statement takes the next row.
            try insert("b")
        }
        #expect(try db.read { try String.fetchAll($0, sql: "SELECT s FROM t ORDER BY rowid") } == ["a", "b"])
    }

    @Test func aRowMissingAValueIsRefusedUnrun() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: Self.table)
            var row = SQLiteRowInsert(try db.cachedStatement(sql: Self.insert))
            row.bind(Int64(1))
            row.bind("only two")
            #expect(throws: DatabaseError.self) { try row.run(db) }
        }
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == 0)
    }
}
