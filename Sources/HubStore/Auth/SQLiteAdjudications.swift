import Foundation
import GRDB
import HubModel

/// Adjudications are appended, never changed: a second one for the same alarm is a correction, and
/// the newest counts. An alarm's acknowledgement is kept once: the first stands.
extension SQLiteEventStore {
    /// The adjudication code as a column of its own, and acknowledgements: one per alarm (the
    /// unique key keeps the first), append-only like adjudications.
    static func registerAlarmMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v8-alarm-code-and-acknowledgement") { db in
            try db.execute(
                sql: """
                    ALTER TABLE adjudications ADD COLUMN code TEXT;
                    CREATE TABLE acknowledgements (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL UNIQUE,
                        by TEXT NOT NULL,
                        at TEXT NOT NULL
                    );
                    CREATE TRIGGER acknowledgements_append_only_update BEFORE UPDATE ON acknowledgements
                        BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
                    CREATE TRIGGER acknowledgements_append_only_delete BEFORE DELETE ON acknowledgements
                        BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
                    """)
        }
    }

    /// Stores `a` unless the alarm has an acknowledgement; returns the one that stands.
    public func acknowledge(_ a: Acknowledgement) async throws -> (acknowledgement: Acknowledgement, new: Bool) {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO acknowledgements (event_id, by, at) VALUES (?, ?, ?)",
                arguments: [a.eventID, a.by, Timestamp.format(a.at)])
            let new = db.changesCount == 1
            let row = try Row.fetchOne(db, sql: "SELECT * FROM acknowledgements WHERE event_id = ?", arguments: [a.eventID])
            return (acknowledgement: row.map(Self.acknowledgement) ?? a, new: new)
        }
    }

    /// The acknowledgement of each of the given events that has one.
    public func acknowledgements(eventIDs: [String]) async throws -> [Acknowledgement] {
        guard !eventIDs.isEmpty else { return [] }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: eventIDs.count).joined(separator: ",")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM acknowledgements WHERE event_id IN (\(marks)) ORDER BY seq",
                arguments: StatementArguments(eventIDs)
            ).map(Self.acknowledgement)
        }
    }

    private static func acknowledgement(_ row: Row) -> Acknowledgement {
        Acknowledgement(
            seq: row["seq"], eventID: row["event_id"], by: row["by"],
            at: (row["at"] as String?).flatMap(Timestamp.parse) ?? .distantPast)
    }

    /// Appends an adjudication.
    public func addAdjudication(_ a: Adjudication) async throws {
        let isotopes = String(decoding: try JSONEncoder().encode(a.isotopes), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO adjudications (event_id, code, outcome, note, isotopes, secondary_inspection, by, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [a.eventID, a.code?.rawValue, a.outcome.rawValue, a.note, isotopes, a.secondaryInspection.rawValue, a.by,
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
                    seq: row["seq"], eventID: row["event_id"], code: (row["code"] as String?).flatMap(Adjudication.Code.init(rawValue:)),
                    outcome: outcome, note: row["note"], isotopes: isotopes,
                    secondaryInspection: secondary, by: row["by"],
                    at: (row["at"] as String?).flatMap(Timestamp.parse) ?? .distantPast)
            }
        }
    }
}
