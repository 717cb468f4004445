import Foundation
import GRDB
import HubModel

extension SQLiteEventStore {
    static func registerDeclarationMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-declarations") { db in
            try db.execute(
                sql: """
                    CREATE TABLE declarations (
                        number TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        received_at TEXT NOT NULL,
                        body TEXT NOT NULL,
                        PRIMARY KEY (number, version)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER declarations_append_only_update BEFORE UPDATE ON declarations
                        BEGIN SELECT RAISE(ABORT, 'declaration versions are append-only'); END;
                    CREATE TRIGGER declarations_append_only_delete BEFORE DELETE ON declarations
                        BEGIN SELECT RAISE(ABORT, 'declaration versions are append-only'); END;
                    -- The identifiers of each declaration's version in force: rewritten on amendment.
                    CREATE TABLE declaration_keys (
                        kind TEXT NOT NULL,
                        value TEXT NOT NULL,
                        number TEXT NOT NULL,
                        PRIMARY KEY (kind, value, number)
                    ) WITHOUT ROWID;
                    CREATE INDEX declaration_keys_number ON declaration_keys(number);
                    """)
        }
        m.registerMigration("v4-event-keys") { db in
            // What each event's subject names, so links are a join with the declarations' keys:
            // the same whichever arrives first, and an amendment re-links by changing its keys.
            try db.execute(
                sql: """
                    CREATE TABLE event_keys (
                        kind TEXT NOT NULL,
                        value TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        confidence REAL NOT NULL,
                        evidence TEXT NOT NULL,
                        PRIMARY KEY (kind, value, event_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX event_keys_event ON event_keys(event_id);
                    """)
        }
    }

    static let coder: (JSONEncoder, JSONDecoder) = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { d, enc in
            var c = enc.singleValueContainer()
            try c.encode(Timestamp.format(d))
        }
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let d = Timestamp.parse(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not RFC 3339: \(s)")
            }
            return d
        }
        return (e, dec)
    }()

    public func save(_ declaration: Declaration, at: Date) async throws -> (declaration: Declaration, created: Bool) {
        try await pool.write { db in try Self.save(declaration, at: at, in: db) }
    }

    /// Saves many declarations in one transaction (one fsync), each as `save` would: a bulk load
    /// of a declaration population. Returns how many were stored as new versions.
    public func saveAll(_ declarations: [Declaration], at: Date) async throws -> Int {
        try await pool.write { db in
            try declarations.reduce(0) { n, d in n + (try Self.save(d, at: at, in: db).created ? 1 : 0) }
        }
    }

    private static func save(_ declaration: Declaration, at: Date, in db: Database) throws
        -> (declaration: Declaration, created: Bool)
    {
        let (encoder, decoder) = Self.coder
        let latest = try String.fetchOne(
            db, sql: "SELECT body FROM declarations WHERE number = ? ORDER BY version DESC LIMIT 1",
            arguments: [declaration.number]
        ).map { try decoder.decode(Declaration.self, from: Data($0.utf8)) }
        if let latest, latest.sameContent(as: declaration) { return (latest, false) }
        var d = declaration
        d.version = (latest?.version ?? 0) + 1
        d.receivedAt = at
        let body = String(decoding: try encoder.encode(d), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO declarations (number, version, status, received_at, body) VALUES (?, ?, ?, ?, ?)",
            arguments: [d.number, d.version, d.status.rawValue, Timestamp.format(at), body])
        try db.execute(sql: "DELETE FROM declaration_keys WHERE number = ?", arguments: [d.number])
        if d.status == .active {
            for k in Set(d.keys.map { "\($0.kind)\u{0}\($0.value)" }) {
                let parts = k.split(separator: "\u{0}", maxSplits: 1).map(String.init)
                try db.execute(
                    sql: "INSERT INTO declaration_keys (kind, value, number) VALUES (?, ?, ?)",
                    arguments: [parts[0], parts[1], d.number])
            }
        }
        return (d, true)
    }

    public func declaration(number: String, version: Int?) async throws -> Declaration? {
        let decoder = Self.coder.1
        let body = try await pool.read { db in
            if let version {
                return try String.fetchOne(
                    db, sql: "SELECT body FROM declarations WHERE number = ? AND version = ?", arguments: [number, version])
            }
            return try String.fetchOne(
                db, sql: "SELECT body FROM declarations WHERE number = ? ORDER BY version DESC LIMIT 1",
                arguments: [number])
        }
        return try body.map { try decoder.decode(Declaration.self, from: Data($0.utf8)) }
    }

    static var declarationDecoder: JSONDecoder { coder.1 }

    public func versions(number: String) async throws -> [Declaration] {
        let decoder = Self.coder.1
        let bodies = try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT body FROM declarations WHERE number = ? ORDER BY version", arguments: [number])
        }
        return try bodies.map { try decoder.decode(Declaration.self, from: Data($0.utf8)) }
    }

    public func links(event id: String) async throws -> [Link] {
        try await links(LinkSQL.byEvents(1), [id])
    }

    public func links(declaration number: String) async throws -> [Link] {
        try await links(LinkSQL.byDeclaration, [number])
    }

    /// One read for many events, in chunks that stay under SQLite's bound-parameter limit.
    public func links(events ids: [String]) async throws -> [Link] {
        var out: [Link] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            out += try await links(LinkSQL.byEvents(chunk.count), StatementArguments(chunk))
        }
        return out
    }

    /// The statements that read links, in one place so a test can check each one's plan.
    enum LinkSQL {
        /// The links of `count` events: each event's keys through their index on `event_id`, then
        /// the declarations that hold them.
        static func byEvents(_ count: Int) -> String {
            let marks = Array(repeating: "?", count: count).joined(separator: ",")
            return select(
                from: "event_keys e JOIN declaration_keys d ON d.kind = e.kind AND d.value = e.value",
                where: count == 1 ? "e.event_id = ?" : "e.event_id IN (\(marks))")
        }

        /// The links of one declaration: its keys, then each key in every partition of the link
        /// keys (`SeqPartition`). `CROSS JOIN` keeps SQLite to that order.
        static let byDeclaration = select(
            from: "declaration_keys d CROSS JOIN event_keys e ON d.kind = e.kind AND d.value = e.value",
            where: "d.number = ? AND e.part IN \(SeqPartition.all(of: "events"))")

        static func select(from join: String, where clause: String) -> String {
            """
            SELECT e.event_id, d.number, e.kind, e.value, e.confidence, e.evidence,
                   (SELECT MAX(version) FROM declarations v WHERE v.number = d.number) AS version
            FROM \(join)
            WHERE \(clause)
            ORDER BY e.event_id, d.number, e.kind, e.value
            """
        }
    }

    private func links(_ sql: String, _ arguments: StatementArguments) async throws -> [Link] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                Link(
                    eventID: row["event_id"], declaration: row["number"], version: row["version"], kind: row["kind"],
                    value: row["value"], confidence: row["confidence"], evidence: row["evidence"])
            }
        }
    }

    public func declarations(withKey kind: String, value: String) async throws -> [Declaration] {
        try await declarations(withKey: kind, values: [value])[value] ?? []
    }

    /// One read per 500 values (SQLite's bound-parameter limit), each value's declarations in
    /// force in number order, as `declarations(withKey:value:)` gives them.
    public func declarations(withKey kind: String, values: [String]) async throws -> [String: [Declaration]] {
        let unique = Array(Set(values))
        let decoder = Self.coder.1
        var out = Dictionary(uniqueKeysWithValues: unique.map { ($0, [Declaration]()) })
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = Array(unique[start..<min(start + 500, unique.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let rows = try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT k.value, d.body FROM declaration_keys k
                        JOIN declarations d ON d.number = k.number
                          AND d.version = (SELECT MAX(version) FROM declarations v WHERE v.number = k.number)
                        WHERE k.kind = ? AND k.value IN (\(marks))
                        ORDER BY k.value, k.number
                        """, arguments: StatementArguments([kind] + chunk))
            }
            for row in rows {
                let body: String = row["body"]
                out[row["value"], default: []].append(try decoder.decode(Declaration.self, from: Data(body.utf8)))
            }
        }
        return out
    }
}

/// How both stores write declarations as JSON: sorted keys, RFC 3339 times.
public enum DeclarationJSON {
    public static var encoder: JSONEncoder { SQLiteEventStore.coder.0 }
    public static var decoder: JSONDecoder { SQLiteEventStore.coder.1 }
}

extension Declaration {
    /// Equal but for what the hub sets (version, time received).
    public func sameContent(as other: Declaration) -> Bool {
        var a = self
        var b = other
        a.version = 0
        b.version = 0
        a.receivedAt = nil
        b.receivedAt = nil
        return a == b
    }
}
