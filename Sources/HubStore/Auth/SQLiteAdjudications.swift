import Foundation
import GRDB
import HubModel

/// Adjudications are appended, never changed: a second one for the same alarm is a correction, and
/// the newest counts.
extension SQLiteEventStore {
    /// Appends an adjudication.
    public func addAdjudication(_ a: Adjudication) async throws {
        let isotopes = String(decoding: try JSONEncoder().encode(a.isotopes), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO adjudications (event_id, outcome, note, isotopes, secondary_inspection, by, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [a.eventID, a.outcome.rawValue, a.note, isotopes, a.secondaryInspection.rawValue, a.by,
                            Timestamp.format(a.at)])
        }
    }

    /// Every adjudication of the given events, oldest first.
    public func adjudications(eventIDs: [String]) async throws -> [Adjudication] {
        guard !eventIDs.isEmpty else { return [] }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: eventIDs.count).joined(separator: ",")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM adjudications WHERE event_id IN (\(marks)) ORDER BY seq",
                arguments: StatementArguments(eventIDs)
            ).compactMap { row in
                guard let outcome = Adjudication.Outcome(rawValue: row["outcome"]),
                    let secondary = Adjudication.SecondaryInspection(rawValue: row["secondary_inspection"])
                else { return nil }
                let isotopes = (try? JSONDecoder().decode([String].self, from: Data((row["isotopes"] as String).utf8))) ?? []
                return Adjudication(
                    seq: row["seq"], eventID: row["event_id"], outcome: outcome, note: row["note"], isotopes: isotopes,
                    secondaryInspection: secondary, by: row["by"],
                    at: (row["at"] as String?).flatMap(Timestamp.parse) ?? .distantPast)
            }
        }
    }
}
