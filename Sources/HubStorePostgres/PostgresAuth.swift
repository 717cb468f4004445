#if PostgreSQL
import Foundation
import HubModel
import HubStore
import PostgresNIO

/// Users, tokens, the audit log and adjudications, shared by every hub on the database: a user
/// made at one site logs in at any, and the audit log tells the sites apart by actor.
extension PostgresEventStore {
    public func addUser(_ user: UserRecord) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO users (name, role, password_hash, salt, iterations, created_at)
            VALUES (\(user.name), \(user.role.rawValue), \(user.passwordHash), \(user.salt), \(user.iterations),
                    \(Timestamp.format(user.createdAt)))
            ON CONFLICT (name) DO NOTHING RETURNING name
            """, logger: logger)
        return try await rows.collect().count == 1
    }

    public func users() async throws -> [UserRecord] {
        let rows = try await client.query(
            "SELECT name, role, password_hash, salt, iterations, created_at FROM users ORDER BY name", logger: logger)
        var out: [UserRecord] = []
        for try await (name, role, hash, salt, iterations, created) in rows.decode((String, String, String, String, Int, String).self) {
            guard let role = Role(rawValue: role) else { continue }
            out.append(
                UserRecord(
                    name: name, role: role, passwordHash: hash, salt: salt, iterations: iterations,
                    createdAt: Timestamp.parse(created) ?? .distantPast))
        }
        return out
    }

    public func user(named name: String) async throws -> UserRecord? {
        let rows = try await client.query(
            "SELECT role, password_hash, salt, iterations, created_at FROM users WHERE name = \(name)", logger: logger)
        for try await (role, hash, salt, iterations, created) in rows.decode((String, String, String, Int, String).self) {
            guard let role = Role(rawValue: role) else { return nil }
            return UserRecord(
                name: name, role: role, passwordHash: hash, salt: salt, iterations: iterations,
                createdAt: Timestamp.parse(created) ?? .distantPast)
        }
        return nil
    }

    public func userCount() async throws -> Int {
        for try await n in try await client.query("SELECT count(*) FROM users", logger: logger).decode(Int.self) {
            return n
        }
        return 0
    }

    public func addToken(_ t: TokenRecord) async throws {
        try await client.query(
            """
            INSERT INTO tokens (id, sha256, kind, owner, role, label, created_at, expires_at, revoked_at)
            VALUES (\(t.id), \(t.sha256), \(t.kind.rawValue), \(t.owner), \(t.role.rawValue), \(t.label),
                    \(Timestamp.format(t.createdAt)), \(Timestamp.format(t.expiresAt)), NULL)
            """, logger: logger)
    }

    public func token(sha256: String) async throws -> TokenRecord? {
        var s = PostgresStatement()
        let mark = s.bind(sha256)
        s.sql = Self.tokenSelect + " WHERE sha256 = \(mark)"
        return try await tokens(s.query).first
    }

    public func tokens() async throws -> [TokenRecord] {
        try await tokens(PostgresQuery(unsafeSQL: Self.tokenSelect + " ORDER BY created_at DESC"))
    }

    static let tokenSelect = "SELECT id, sha256, kind, owner, role, label, created_at, expires_at, revoked_at FROM tokens"

    private func tokens(_ query: PostgresQuery) async throws -> [TokenRecord] {
        var out: [TokenRecord] = []
        for try await (id, sha, kind, owner, role, label, created, expires, revoked) in try await client.query(
            query, logger: logger
        ).decode((String, String, String, String, String, String?, String, String, String?).self) {
            guard let kind = TokenRecord.Kind(rawValue: kind), let role = Role(rawValue: role) else { continue }
            out.append(
                TokenRecord(
                    id: id, sha256: sha, kind: kind, owner: owner, role: role, label: label,
                    createdAt: Timestamp.parse(created) ?? .distantPast, expiresAt: Timestamp.parse(expires) ?? .distantPast,
                    revokedAt: revoked.flatMap(Timestamp.parse)))
        }
        return out
    }

    public func revokeToken(id: String, at now: Date) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE tokens SET revoked_at = \(Timestamp.format(now)) WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
            logger: logger)
        return try await rows.collect().count == 1
    }

    public func audit(_ e: AuditEntry) async throws {
        try await client.query(
            """
            INSERT INTO audit_log (at, actor, role, action, target, detail)
            VALUES (\(Timestamp.format(e.at)), \(e.actor), \(e.role), \(e.action), \(e.target), \(e.detail))
            """, logger: logger)
        // Admission decisions are kept in the audit log alone; the other replicas re-read them when told.
        if ["admission.approve", "admission.deny"].contains(e.action), let target = e.target {
            await announce(.admission(target: target))
        }
    }

    public func auditEntries(action: String?, actor: String?, since: Date?, until: Date?, before: Int64?, limit: Int)
        async throws -> [AuditEntry]
    {
        let statement = AuditEntry.listing(
            action: action, actor: actor, since: since, until: until, before: before, limit: limit, .postgres)
        var out: [AuditEntry] = []
        for try await (seq, at, actor, role, action, target, detail) in try await client.query(statement.postgresQuery, logger: logger)
            .decode((Int64, String, String, String?, String, String?, String?).self)
        {
            out.append(
                AuditEntry(
                    seq: seq, at: Timestamp.parse(at) ?? .distantPast, actor: actor, role: role, action: action,
                    target: target, detail: detail))
        }
        return out
    }

    public func addAdjudication(_ a: Adjudication) async throws {
        let isotopes = String(decoding: try JSONEncoder().encode(a.isotopes), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO adjudications (event_id, code, outcome, note, isotopes, secondary_inspection, "by", at)
            VALUES (\(a.eventID), \(a.code?.rawValue), \(a.outcome.rawValue), \(a.note), \(isotopes), \(a.secondaryInspection.rawValue),
                    \(a.by), \(Timestamp.format(a.at)))
            """, logger: logger)
    }

    public func adjudications(eventIDs: [String]) async throws -> [Adjudication] {
        guard !eventIDs.isEmpty else { return [] }
        let rows = try await client.query(
            """
            SELECT seq, event_id, code, outcome, note, isotopes, secondary_inspection, "by", at FROM adjudications
            WHERE event_id = ANY(\(eventIDs)) ORDER BY seq
            """, logger: logger)
        var out: [Adjudication] = []
        for try await (seq, event, code, outcome, note, isotopes, secondary, by, at) in rows.decode(
            (Int64, String, String?, String, String?, String, String, String, String).self)
        {
            guard let outcome = Adjudication.Outcome(rawValue: outcome),
                let secondary = Adjudication.SecondaryInspection(rawValue: secondary)
            else { continue }
            out.append(
                Adjudication(
                    seq: seq, eventID: event, code: code.flatMap(Adjudication.Code.init(rawValue:)), outcome: outcome, note: note,
                    isotopes: (try? JSONDecoder().decode([String].self, from: Data(isotopes.utf8))) ?? [],
                    secondaryInspection: secondary, by: by, at: Timestamp.parse(at) ?? .distantPast))
        }
        return out
    }

    /// The unique key on `event_id` keeps the first acknowledgement; a later one reads it back.
    public func acknowledge(_ a: Acknowledgement) async throws -> (acknowledgement: Acknowledgement, new: Bool) {
        let inserted = try await client.query(
            """
            INSERT INTO acknowledgements (event_id, "by", at) VALUES (\(a.eventID), \(a.by), \(Timestamp.format(a.at)))
            ON CONFLICT (event_id) DO NOTHING RETURNING seq
            """, logger: logger)
        var new = false
        for try await _ in inserted.decode(Int64.self) { new = true }
        let standing = try await acknowledgements(eventIDs: [a.eventID]).first
        return (acknowledgement: standing ?? a, new: new)
    }

    public func acknowledgements(eventIDs: [String]) async throws -> [Acknowledgement] {
        guard !eventIDs.isEmpty else { return [] }
        let rows = try await client.query(
            """
            SELECT seq, event_id, "by", at FROM acknowledgements WHERE event_id = ANY(\(eventIDs)) ORDER BY seq
            """, logger: logger)
        var out: [Acknowledgement] = []
        for try await (seq, event, by, at) in rows.decode((Int64, String, String, String).self) {
            out.append(Acknowledgement(seq: seq, eventID: event, by: by, at: Timestamp.parse(at) ?? .distantPast))
        }
        return out
    }
}
#endif
