import Foundation
import GRDB

/// A partner administration's package this hub received and verified: the file is kept as received
/// in the blob store under `sha256`, the `package.received` event files it for the correlation, and
/// this row is what the hub looks it up by (one row per package: receiving it again finds it).
public struct ReceivedPackageRow: Sendable, Equatable {
    public var sha256: String
    public var partner: String
    public var country: String
    /// The declaration number at the partner, and what it names.
    public var partnerDeclaration: String
    public var ucr: String?
    public var containers: [String]
    public var seals: [String]
    public var cleared: Bool
    /// The verified summary (one sentence).
    public var summary: String
    /// The `package.received` event.
    public var eventID: String
    public var bytes: Int
    public var receivedAt: Date

    public init(
        sha256: String, partner: String, country: String, partnerDeclaration: String, ucr: String?, containers: [String], seals: [String], cleared: Bool,
        summary: String, eventID: String, bytes: Int, receivedAt: Date
    ) {
        self.sha256 = sha256
        self.partner = partner
        self.country = country
        self.partnerDeclaration = partnerDeclaration
        self.ucr = ucr
        self.containers = containers
        self.seals = seals
        self.cleared = cleared
        self.summary = summary
        self.eventID = eventID
        self.bytes = bytes
        self.receivedAt = receivedAt
    }

    /// Identifier lists as stored (a JSON array of strings).
    public static func text(_ list: [String]) -> String { String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self) }
    public static func list(_ text: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? [] }
}

/// Where received partner packages are recorded (SQLite `v14-received-packages`, PostgreSQL migration 16).
public protocol ReceivedPackageStore: Sendable {
    /// Records `row`; false when a package with its SHA-256 is recorded already (nothing changed).
    func recordReceivedPackage(_ row: ReceivedPackageRow) async throws -> Bool
    /// The package received with this SHA-256, if any.
    func receivedPackage(sha256: String) async throws -> ReceivedPackageRow?
}

extension SQLiteEventStore {
    /// PostgreSQL's migration 16.
    static func registerReceivedPackageMigration(_ m: inout DatabaseMigrator) {
        m.registerMigration("v14-received-packages") { db in
            try db.execute(
                sql: """
                    CREATE TABLE received_packages (
                        sha256 TEXT PRIMARY KEY, partner TEXT NOT NULL, country TEXT NOT NULL, partner_declaration TEXT NOT NULL, ucr TEXT,
                        containers TEXT NOT NULL, seals TEXT NOT NULL, cleared INTEGER NOT NULL, summary TEXT NOT NULL,
                        event_id TEXT NOT NULL, bytes INTEGER NOT NULL, received_at REAL NOT NULL) WITHOUT ROWID;
                    CREATE INDEX received_packages_partner ON received_packages (partner, received_at);
                    """)
        }
    }

    public func recordReceivedPackage(_ r: ReceivedPackageRow) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO received_packages
                        (sha256, partner, country, partner_declaration, ucr, containers, seals, cleared, summary, event_id, bytes, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING
                    """,
                arguments: [
                    r.sha256, r.partner, r.country, r.partnerDeclaration, r.ucr, ReceivedPackageRow.text(r.containers), ReceivedPackageRow.text(r.seals),
                    r.cleared, r.summary, r.eventID, r.bytes, r.receivedAt.timeIntervalSince1970,
                ])
            return db.changesCount == 1
        }
    }

    public func receivedPackage(sha256: String) async throws -> ReceivedPackageRow? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT sha256, partner, country, partner_declaration, ucr, containers, seals, cleared, summary, event_id, bytes, received_at
                    FROM received_packages WHERE sha256 = ?
                    """, arguments: [sha256]
            ).map {
                ReceivedPackageRow(
                    sha256: $0["sha256"], partner: $0["partner"], country: $0["country"], partnerDeclaration: $0["partner_declaration"], ucr: $0["ucr"],
                    containers: ReceivedPackageRow.list($0["containers"]), seals: ReceivedPackageRow.list($0["seals"]), cleared: $0["cleared"],
                    summary: $0["summary"], eventID: $0["event_id"], bytes: $0["bytes"], receivedAt: Date(timeIntervalSince1970: $0["received_at"]))
            }
        }
    }
}
