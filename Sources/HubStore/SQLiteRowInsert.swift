import GRDB
import GRDBSQLite

/// One row of a prepared INSERT, its values bound straight through SQLite's C interface and the
/// statement stepped once.
///
/// The raw-record and event inserts run for every stored report. Through GRDB's
/// `StatementArguments` each value became a `DatabaseValue` in an array made per row, then was
/// bound from there: 4–5 % of the hub's CPU under the seal load (`perf`, 2026-12-07). SQLite copies
/// each text and blob as it is bound (`SQLITE_TRANSIENT`), so nothing here outlives the call that
/// binds it. The statement is one of GRDB's cached statements and is used only inside the
/// caller's write transaction; a failed step throws GRDB's `DatabaseError`, which rolls the
/// transaction back as any failed statement does.
struct SQLiteRowInsert {
    private let statement: Statement
    private let handle: OpaquePointer
    private var index: Int32 = 0
    /// The first binding SQLite refused, reported when the row is run.
    private var failed: Int32 = SQLITE_OK

    /// Starts a row: the statement is reset (every parameter is bound again before it runs).
    init(_ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
        // The result repeats the last step's outcome, already reported then.
        sqlite3_reset(handle)
    }

    /// SQLite's "copy this value now" destructor.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private mutating func next(_ code: Int32) {
        if failed == SQLITE_OK, code != SQLITE_OK { failed = code }
    }

    private mutating func position() -> Int32 {
        index += 1
        return index
    }

    mutating func bind(_ value: Int64) { let i = position(); next(sqlite3_bind_int64(handle, i, value)) }

    mutating func bind(_ value: Int64?) {
        if let value { bind(value) } else { bindNull() }
    }

    mutating func bind(_ value: Double) { let i = position(); next(sqlite3_bind_double(handle, i, value)) }

    mutating func bind(_ value: String) {
        let i = position()
        var text = value
        // Native strings are contiguous UTF-8 already; a bridged one is made so once.
        let code = text.withUTF8 { sqlite3_bind_text(handle, i, $0.baseAddress, Int32($0.count), Self.transient) }
        next(code)
    }

    mutating func bind(_ value: String?) {
        if let value { bind(value) } else { bindNull() }
    }

    /// A blob; an empty one is stored as an empty blob, not NULL (as GRDB stores an empty `Data`).
    mutating func bind(blob bytes: [UInt8]) {
        let i = position()
        let code = bytes.withUnsafeBytes { b in
            b.isEmpty
                ? sqlite3_bind_zeroblob(handle, i, 0)
                : sqlite3_bind_blob(handle, i, b.baseAddress, Int32(b.count), Self.transient)
        }
        next(code)
    }

    mutating func bindNull() { let i = position(); next(sqlite3_bind_null(handle, i)) }

    /// Inserts the row.
    func run(_ db: Database) throws {
        guard index == sqlite3_bind_parameter_count(handle) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "\(index) values for \(sqlite3_bind_parameter_count(handle)) parameters",
                sql: statement.sql)
        }
        let code = failed == SQLITE_OK ? sqlite3_step(handle) : failed
        guard code == SQLITE_DONE else {
            let extended = failed == SQLITE_OK ? sqlite3_extended_errcode(db.sqliteConnection) : code
            let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
        }
    }
}
