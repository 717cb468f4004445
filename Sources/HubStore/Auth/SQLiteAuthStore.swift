import Foundation
import GRDB
import HubModel

/// Users, tokens, the audit log and adjudications live in the hub's one SQLite file, so a backup of
/// the store is a backup of who did what.
extension SQLiteEventStore {
    static func registerAuthMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v5-auth-audit-adjudication") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        name TEXT PRIMARY KEY,
                        role TEXT NOT NULL,
                        password_hash TEXT NOT NULL,
                        salt TEXT NOT NULL,
                        iterations INTEGER NOT NULL,
                        created_at TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE tokens (
                        id TEXT PRIMARY KEY,
                        sha256 TEXT NOT NULL UNIQUE,
                        kind TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        role TEXT NOT NULL,
                        label TEXT,
                        created_at TEXT NOT NULL,
                        expires_at TEXT NOT NULL,
                        revoked_at TEXT
                    ) WITHOUT ROWID;
                    CREATE TABLE audit_log (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        at TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        role TEXT,
                        action TEXT NOT NULL,
                        target TEXT,
                        detail TEXT
                    );
                    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_log
                        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TABLE adjudications (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        note TEXT,
                        isotopes TEXT NOT NULL,
                        secondary_inspection TEXT NOT NULL,
                        by TEXT NOT NULL,
                        at TEXT NOT NULL
                    );
                    CREATE INDEX adjudications_event ON adjudications(event_id, seq);
                    CREATE TRIGGER adjudications_append_only_update BEFORE UPDATE ON adjudications
                        BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
                    CREATE TRIGGER adjudications_append_only_delete BEFORE DELETE ON adjudications
                        BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
                    """)
        }
    }

    private static func date(_ row: Row, _ column: String) -> Date? {
        (row[column] as String?).flatMap(Timestamp.parse)
    }

    // MARK: users

    /// Adds a user; false when the name is taken.
    public func addUser(_ user: UserRecord) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO users (name, role, password_hash, salt, iterations, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [user.name, user.role.rawValue, user.passwordHash, user.salt, user.iterations,
                            Timestamp.format(user.createdAt)])
            return db.changesCount == 1
        }
    }

    /// The user of that name, if any.
    public func user(named name: String) async throws -> UserRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).flatMap(Self.userRecord)
        }
    }

    /// A `users` row; nil for a role this build does not know.
    private static func userRecord(_ row: Row) -> UserRecord? {
        guard let role = Role(rawValue: row["role"]) else { return nil }
        return UserRecord(
            name: row["name"], role: role, passwordHash: row["password_hash"], salt: row["salt"],
            iterations: row["iterations"], createdAt: date(row, "created_at") ?? .distantPast)
    }

    /// How many users there are (none: the hub has not made its first admin yet).
    public func userCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0 }
    }

    /// Every user, by name.
    public func users() async throws -> [UserRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").compactMap(Self.userRecord)
        }
    }

    // MARK: tokens

    /// Stores a new token (its hash; the secret never reaches the store).
    public func addToken(_ t: TokenRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tokens (id, sha256, kind, owner, role, label, created_at, expires_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
                    """,
                arguments: [t.id, t.sha256, t.kind.rawValue, t.owner, t.role.rawValue, t.label,
                            Timestamp.format(t.createdAt), Timestamp.format(t.expiresAt)])
        }
    }

    /// The token whose secret hashes to `sha256`, revoked or expired ones included.
    public func token(sha256: String) async throws -> TokenRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE sha256 = ?", arguments: [sha256]).flatMap(Self.token)
        }
    }

    /// Every token, newest first (sessions included, so an admin sees who is logged in).
    public func tokens() async throws -> [TokenRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tokens ORDER BY created_at DESC").compactMap(Self.token)
        }
    }

    /// Marks a token revoked; false when there is no such token or it was revoked already.
    public func revokeToken(id: String, at now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [Timestamp.format(now), id])
            return db.changesCount == 1
        }
    }

    private static func token(_ row: Row) -> TokenRecord? {
        guard let kind = TokenRecord.Kind(rawValue: row["kind"]), let role = Role(rawValue: row["role"]) else {
            return nil
        }
        return TokenRecord(
            id: row["id"], sha256: row["sha256"], kind: kind, owner: row["owner"], role: role, label: row["label"],
            createdAt: date(row, "created_at") ?? .distantPast, expiresAt: date(row, "expires_at") ?? .distantPast,
            revokedAt: date(row, "revoked_at"))
    }

    // MARK: audit

    /// Appends one entry to the audit log.
    public func audit(_ e: AuditEntry) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO audit_log (at, actor, role, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [Timestamp.format(e.at), e.actor, e.role, e.action, e.target, e.detail])
        }
    }

    /// Audit entries, newest first, optionally of one action or actor, in a time range, before a
    /// sequence number.
    public func auditEntries(action: String?, actor: String?, since: Date?, until: Date?, before: Int64?, limit: Int)
        async throws -> [AuditEntry]
    {
        let statement = AuditEntry.listing(
            action: action, actor: actor, since: since, until: until, before: before, limit: limit, .sqlite)
        return try await pool.read { db in
            try Row.fetchAll(db, sql: statement.sql, arguments: statement.arguments).map { row in
                AuditEntry(
                    seq: row["seq"], at: Self.date(row, "at") ?? .distantPast, actor: row["actor"], role: row["role"],
                    action: row["action"], target: row["target"], detail: row["detail"])
            }
        }
    }
}
