#if PostgreSQL
import Foundation
import HubStore
import Logging
import PostgresNIO

/// Received partner packages on PostgreSQL (migration 16), as `ReceivedPackageStore.swift` describes them.
extension PostgresEventStore {
    public func recordReceivedPackage(_ r: ReceivedPackageRow) async throws -> Bool {
        let logger = self.logger
        let containers = ReceivedPackageRow.text(r.containers)
        let seals = ReceivedPackageRow.text(r.seals)
        let at = r.receivedAt.timeIntervalSince1970
        return try await writing { client in
            try await !client.query(
                """
                INSERT INTO received_packages
                    (sha256, partner, country, partner_declaration, ucr, containers, seals, cleared, summary, event_id, bytes, received_at)
                VALUES (\(r.sha256), \(r.partner), \(r.country), \(r.partnerDeclaration), \(r.ucr), \(containers), \(seals), \(r.cleared), \(r.summary),
                        \(r.eventID), \(Int64(r.bytes)), \(at))
                ON CONFLICT (sha256) DO NOTHING RETURNING sha256
                """, logger: logger
            ).collect().isEmpty
        }
    }

    public func receivedPackage(sha256: String) async throws -> ReceivedPackageRow? {
        let rows = try await client.query(
            """
            SELECT sha256, partner, country, partner_declaration, ucr, containers, seals, cleared, summary, event_id, bytes, received_at
            FROM received_packages WHERE sha256 = \(sha256)
            """, logger: logger
        ).decode((String, String, String, String, String?, String, String, Bool, String, String, Int64, Double).self)
        for try await (sha, partner, country, declaration, ucr, containers, seals, cleared, summary, event, bytes, at) in rows {
            return ReceivedPackageRow(
                sha256: sha, partner: partner, country: country, partnerDeclaration: declaration, ucr: ucr, containers: ReceivedPackageRow.list(containers),
                seals: ReceivedPackageRow.list(seals), cleared: cleared, summary: summary, eventID: event, bytes: Int(bytes),
                receivedAt: Date(timeIntervalSince1970: at))
        }
        return nil
    }
}
#endif
