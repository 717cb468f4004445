import Foundation
import GRDB
import HubModel

extension SQLiteEventStore {
    static func registerAnalystMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v3-risk-by-declaration") { db in
            try db.execute(
                sql: """
                    CREATE INDEX events_risk_declaration
                        ON events(json_extract(body, '$.subject.declaration'), seq)
                        WHERE kind = 'risk.assessment';
                    """)
        }
    }

    /// The newest `risk.assessment` event about a declaration (the one whose channel is in force).
    public func latestRiskAssessment(declaration number: String) async throws -> InspectionEvent? {
        let body = try await pool.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT body FROM events
                    WHERE kind = 'risk.assessment' AND json_extract(body, '$.subject.declaration') = ?
                    ORDER BY seq DESC LIMIT 1
                    """,
                arguments: [number])
        }
        return try body.map { try JSONDecoder().decode(InspectionEvent.self, from: Data($0.utf8)) }
    }
}
