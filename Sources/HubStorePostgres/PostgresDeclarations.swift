#if PostgreSQL
import Foundation
import HubModel
import HubStore
import PostgresNIO

extension PostgresEventStore {
    public func save(_ declaration: Declaration, at: Date) async throws -> (declaration: Declaration, created: Bool) {
        let logger = self.logger
        // Saving again what is stored changes nothing (`sameContent`), so after a failover the sender simply posts again.
        return try await writing { client in
          let encoder = DeclarationJSON.encoder
          let decoder = DeclarationJSON.decoder
          return try await client.withTransaction(logger: logger) { db in
            // Two hubs saving the same number at once take turns, so versions stay 1, 2, 3 …
            try await db.query("SELECT pg_advisory_xact_lock(hashtext('declaration ' || \(declaration.number)))", logger: logger)
            var latest: Declaration?
            for try await body in try await db.query(
                "SELECT body FROM declarations WHERE number = \(declaration.number) ORDER BY version DESC LIMIT 1",
                logger: logger
            ).decode(String.self) {
                latest = try decoder.decode(Declaration.self, from: Data(body.utf8))
            }
            if let latest, latest.sameContent(as: declaration) { return (latest, false) }
            var d = declaration
            d.version = (latest?.version ?? 0) + 1
            d.receivedAt = at
            let body = String(decoding: try encoder.encode(d), as: UTF8.self)
            try await db.query(
                """
                INSERT INTO declarations (number, version, status, received_at, body)
                VALUES (\(d.number), \(d.version), \(d.status.rawValue), \(Timestamp.format(at)), \(body))
                """, logger: logger)
            try await db.query("DELETE FROM declaration_keys WHERE number = \(d.number)", logger: logger)
            if d.status == .active {
                let keys = Array(Set(d.keys.map { [$0.kind, $0.value] }))
                let number = d.number
                try await Self.insert(db, "declaration_keys (kind, value, number)", keys.count, logger) {
                    [$0.bind(keys[$1][0]), $0.bind(keys[$1][1]), $0.bind(number)]
                }
            }
            return (d, true)
        } }
    }

    public func declaration(number: String, version: Int?) async throws -> Declaration? {
        let query: PostgresQuery =
            if let version {
                "SELECT body FROM declarations WHERE number = \(number) AND version = \(version)"
            } else {
                "SELECT body FROM declarations WHERE number = \(number) ORDER BY version DESC LIMIT 1"
            }
        return try await declarations(query).first
    }

    public func versions(number: String) async throws -> [Declaration] {
        try await declarations("SELECT body FROM declarations WHERE number = \(number) ORDER BY version")
    }

    /// Declarations from a query whose rows are one `body` each.
    func declarations(_ query: PostgresQuery) async throws -> [Declaration] {
        let decoder = DeclarationJSON.decoder
        var out: [Declaration] = []
        for try await body in try await client.query(query, logger: logger).decode(String.self) {
            out.append(try decoder.decode(Declaration.self, from: Data(body.utf8)))
        }
        return out
    }

    public func links(event id: String) async throws -> [Link] {
        try await links(where: "e.event_id", id)
    }

    public func links(declaration number: String) async throws -> [Link] {
        try await links(where: "d.number", number)
    }

    private func links(where column: String, _ argument: String) async throws -> [Link] {
        var s = PostgresStatement()
        let mark = s.bind(argument)
        s.sql = """
            SELECT e.event_id, d.number, (SELECT MAX(version) FROM declarations v WHERE v.number = d.number),
                   e.kind, e.value, e.confidence, e.evidence
            FROM event_keys e JOIN declaration_keys d ON d.kind = e.kind AND d.value = e.value
            WHERE \(column) = \(mark)
            ORDER BY e.event_id, d.number, e.kind, e.value
            """
        var out: [Link] = []
        for try await (event, number, version, kind, value, confidence, evidence) in try await client.query(
            s.query, logger: logger
        ).decode((String, String, Int, String, String, Double, String).self) {
            out.append(
                Link(
                    eventID: event, declaration: number, version: version, kind: kind, value: value,
                    confidence: confidence, evidence: evidence))
        }
        return out
    }

    public func declarations(withKey kind: String, value: String) async throws -> [Declaration] {
        try await declarations(withKey: kind, values: [value])[value] ?? []
    }

    /// One query for every value (`= ANY` of a text array).
    public func declarations(withKey kind: String, values: [String]) async throws -> [String: [Declaration]] {
        let unique = Array(Set(values))
        let decoder = DeclarationJSON.decoder
        var out = Dictionary(uniqueKeysWithValues: unique.map { ($0, [Declaration]()) })
        guard !unique.isEmpty else { return out }
        let query: PostgresQuery = """
            SELECT k.value, d.body FROM declaration_keys k JOIN declarations d ON d.number = k.number
            WHERE k.kind = \(kind) AND k.value = ANY(\(unique))
              AND d.version = (SELECT MAX(version) FROM declarations v WHERE v.number = d.number)
            ORDER BY k.value, d.number
            """
        for try await (value, body) in try await client.query(query, logger: logger).decode((String, String).self) {
            out[value, default: []].append(try decoder.decode(Declaration.self, from: Data(body.utf8)))
        }
        return out
    }

    public func latestRiskAssessment(declaration number: String) async throws -> InspectionEvent? {
        try await firstEvent(
            """
            SELECT body FROM events
            WHERE kind = 'risk.assessment' AND ((body::jsonb) #>> '{subject,declaration}') = \(number)
            ORDER BY seq DESC LIMIT 1
            """)
    }

    public func declarations(_ query: DeclarationListQuery) async throws -> [Declaration] {
        try await declarations(query.statement(.postgres).postgresQuery)
    }

    public func feedCursor(_ consumer: String) async throws -> String? {
        for try await cursor in try await client.query(
            "SELECT cursor FROM feed_cursors WHERE consumer = \(consumer)", logger: logger
        ).decode(String.self) {
            return cursor
        }
        return nil
    }

    public func setFeedCursor(_ consumer: String, _ cursor: String) async throws {
        try await client.query(
            """
            INSERT INTO feed_cursors (consumer, cursor) VALUES (\(consumer), \(cursor))
            ON CONFLICT (consumer) DO UPDATE SET cursor = excluded.cursor
            """, logger: logger)
    }
}
#endif
