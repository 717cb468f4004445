#if PostgreSQL
import HubStore
import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations applied in order at start. It mirrors the SQLite
/// store's tables (`SQLiteEventStore.migrator`) with PostgreSQL types: identity columns for `seq`,
/// BYTEA for raw bytes, times as the same RFC 3339 text, bodies as the same JSON text. Columns that
/// are ordered or compared by range (ids, kinds, numbers, times) use the "C" collation, so they
/// sort byte by byte as in SQLite whatever the database's locale.
enum PostgresSchema {
    /// Each migration: its number, a name, and its statements (one per query: the extended
    /// protocol runs one statement at a time).
    static let migrations: [(version: Int, name: String, statements: [String])] = [
        (1, "events-and-raw-archive", [
            """
            CREATE FUNCTION niihub_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
            """,
            """
            CREATE TABLE raw_records (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                sha256 TEXT NOT NULL, format TEXT NOT NULL, device_id TEXT NOT NULL,
                first_received_at TEXT NOT NULL, received_at TEXT NOT NULL, frame_count INTEGER NOT NULL,
                bytes BYTEA NOT NULL)
            """,
            "CREATE INDEX raw_records_sha256 ON raw_records(sha256)",
            "CREATE INDEX raw_records_device ON raw_records(device_id, seq)",
            """
            CREATE TABLE events (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT COLLATE "C" NOT NULL UNIQUE, kind TEXT COLLATE "C" NOT NULL, device_id TEXT NOT NULL, site TEXT, lane TEXT,
                severity TEXT NOT NULL, observed_at TEXT COLLATE "C" NOT NULL, received_at TEXT COLLATE "C" NOT NULL,
                raw_sha256 TEXT NOT NULL, body TEXT NOT NULL)
            """,
            "CREATE INDEX events_kind ON events(kind, seq)",
            "CREATE INDEX events_device ON events(device_id, seq)",
            "CREATE INDEX events_site ON events(site, seq)",
            "CREATE INDEX events_observed ON events(observed_at)",
        ] + appendOnly("events") + appendOnly("raw_records")),
        (2, "ingested-files", [
            """
            CREATE TABLE ingested_files (
                device_id TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL,
                outcome TEXT NOT NULL, reason TEXT, at TEXT NOT NULL,
                PRIMARY KEY (device_id, name, sha256))
            """,
        ]),
        (3, "declarations", [
            """
            CREATE TABLE declarations (
                number TEXT COLLATE "C" NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL, received_at TEXT COLLATE "C" NOT NULL,
                body TEXT NOT NULL, PRIMARY KEY (number, version))
            """,
            // The identifiers of each declaration's version in force: rewritten on amendment.
            "CREATE TABLE declaration_keys (kind TEXT NOT NULL, value TEXT NOT NULL, number TEXT COLLATE \"C\" NOT NULL, PRIMARY KEY (kind, value, number))",
            "CREATE INDEX declaration_keys_number ON declaration_keys(number)",
            """
            CREATE TABLE event_keys (
                kind TEXT NOT NULL, value TEXT NOT NULL, event_id TEXT COLLATE "C" NOT NULL,
                confidence DOUBLE PRECISION NOT NULL, evidence TEXT NOT NULL, PRIMARY KEY (kind, value, event_id))
            """,
            "CREATE INDEX event_keys_event ON event_keys(event_id)",
            "CREATE INDEX declarations_site ON declarations(((body::jsonb) ->> 'site'))",
        ] + appendOnly("declarations")),
        (4, "feed-cursors", ["CREATE TABLE feed_cursors (consumer TEXT PRIMARY KEY, cursor TEXT NOT NULL)"]),
        (5, "auth-audit-adjudication", [
            """
            CREATE TABLE users (
                name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, salt TEXT NOT NULL,
                iterations INTEGER NOT NULL, created_at TEXT NOT NULL)
            """,
            """
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, owner TEXT NOT NULL,
                role TEXT NOT NULL, label TEXT, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT)
            """,
            """
            CREATE TABLE audit_log (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
                role TEXT, action TEXT NOT NULL, target TEXT, detail TEXT)
            """,
            """
            CREATE TABLE adjudications (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id TEXT NOT NULL, outcome TEXT NOT NULL,
                note TEXT, isotopes TEXT NOT NULL, secondary_inspection TEXT NOT NULL, "by" TEXT NOT NULL,
                at TEXT NOT NULL)
            """,
            "CREATE INDEX adjudications_event ON adjudications(event_id, seq)",
        ] + appendOnly("audit_log") + appendOnly("adjudications")),
        (6, "risk-by-declaration", [
            """
            CREATE INDEX events_risk_declaration ON events(((body::jsonb) #>> '{subject,declaration}'), seq)
                WHERE kind = 'risk.assessment'
            """,
        ]),
        // Per gate: the last gate position stored here, so a resend is recognised and a gap refused.
        (7, "forward-sources", [
            "CREATE TABLE forward_sources (source TEXT PRIMARY KEY, through BIGINT NOT NULL, batches INTEGER NOT NULL, at TEXT NOT NULL)",
        ]),
        // Rows already stored are chained by `chainAfter` in the same transaction.
        (8, "hash-chain", [
            "ALTER TABLE raw_records ADD COLUMN chain BYTEA",
            "ALTER TABLE events ADD COLUMN body_sha256 BYTEA",
            "ALTER TABLE events ADD COLUMN chain BYTEA",
            "CREATE TABLE chain_heads (tbl TEXT PRIMARY KEY, seq BIGINT NOT NULL, chain BYTEA NOT NULL)",
            // What was removed from a chained table, and the chain value the next row follows.
            """
            CREATE TABLE purges (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TEXT NOT NULL, tbl TEXT NOT NULL, kind TEXT,
                before TEXT, rows BIGINT NOT NULL, first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL, reason TEXT NOT NULL)
            """,
            """
            CREATE TABLE purged_ranges (
                tbl TEXT NOT NULL, first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL, last_chain BYTEA NOT NULL,
                purge_id BIGINT NOT NULL, PRIMARY KEY (tbl, first_seq))
            """,
            "CREATE INDEX events_kind_received ON events(kind, received_at, seq)",
            "CREATE INDEX events_raw ON events(raw_sha256)",
            "CREATE INDEX raw_records_received ON raw_records((received_at COLLATE \"C\"), seq)",
            // The append-only triggers let through only what the store itself does, each in its own
            // transaction with a transaction-local flag: retention deleting aged-out rows (older than
            // `niihub.purge_before`; raw records only when no event points at them), and the one-time
            // chaining of rows stored before the chain existed.
            """
            CREATE OR REPLACE FUNCTION niihub_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME IN ('events', 'raw_records') THEN
                    IF TG_OP = 'UPDATE' AND current_setting('niihub.chaining', true) = 'on' THEN RETURN NEW; END IF;
                    IF TG_OP = 'DELETE' AND current_setting('niihub.purging', true) = 'on' THEN
                        IF OLD.received_at COLLATE "C" < current_setting('niihub.purge_before', true) COLLATE "C" THEN
                            IF TG_TABLE_NAME = 'events' THEN RETURN OLD; END IF;
                            IF NOT EXISTS (SELECT 1 FROM events WHERE raw_sha256 = OLD.sha256) THEN RETURN OLD; END IF;
                        END IF;
                    END IF;
                END IF;
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
            END $$
            """,
        ] + appendOnly("purges") + appendOnly("purged_ranges")),
        // The adjudication code as a column; one acknowledgement per alarm, the first kept.
        (9, "alarm-code-and-acknowledgement", [
            "ALTER TABLE adjudications ADD COLUMN code TEXT",
            """
            CREATE TABLE acknowledgements (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, "by" TEXT NOT NULL,
                at TEXT NOT NULL)
            """,
        ] + appendOnly("acknowledgements")),
        // Who does the work one hub at a time must do (correlation, the feed's webhook, retention),
        // until when by the database's clock, and at which epoch (raised at each change of owner).
        (10, "leases", [
            """
            CREATE TABLE leases (
                name TEXT PRIMARY KEY, owner TEXT NOT NULL, epoch BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)
            """,
        ]),
        // A gate's uplink as it reports it: events waiting, the oldest's arrival, when it said so.
        (11, "forward-source-status", [
            "ALTER TABLE forward_sources ADD COLUMN backlog BIGINT, ADD COLUMN oldest_waiting_at TEXT, ADD COLUMN reported_at TEXT",
        ]),
        // `events` partitioned by seq with time-aligned bounds, so retention drops whole partitions
        // (`PostgresPartitions.swift`). The triggers name their root table as an argument, which a
        // partition's row trigger (cloned from the parent's) passes on.
        (12, "events-partitioned", [
            """
            CREATE OR REPLACE FUNCTION niihub_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                tbl TEXT := COALESCE(TG_ARGV[0], TG_TABLE_NAME);
            BEGIN
                IF TG_LEVEL = 'ROW' AND tbl IN ('events', 'raw_records') THEN
                    IF TG_OP = 'UPDATE' AND current_setting('niihub.chaining', true) = 'on' THEN RETURN NEW; END IF;
                    IF TG_OP = 'DELETE' AND current_setting('niihub.purging', true) = 'on' THEN
                        IF OLD.received_at COLLATE "C" < current_setting('niihub.purge_before', true) COLLATE "C" THEN
                            IF tbl = 'events' THEN RETURN OLD; END IF;
                            IF NOT EXISTS (SELECT 1 FROM events WHERE raw_sha256 = OLD.sha256) THEN RETURN OLD; END IF;
                        END IF;
                    END IF;
                END IF;
                RAISE EXCEPTION '% is append-only', tbl;
            END $$
            """,
        ]),
        // Answers of the replica that correlates a site to the other replicas' questions (the
        // transit map, a passage resolution), kept until the asker takes them.
        (13, "holder-answers", [
            "CREATE TABLE holder_answers (id TEXT PRIMARY KEY, body BYTEA NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())",
        ]),
        // The notifications outbox (`NotificationOutbox.swift`): one row per message, updated per attempt.
        (14, "notification-outbox", [
            """
            CREATE TABLE notification_outbox (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, rule TEXT NOT NULL, event_id TEXT NOT NULL, step BIGINT NOT NULL,
                recipient TEXT NOT NULL, state TEXT NOT NULL, due_at DOUBLE PRECISION NOT NULL, attempts BIGINT NOT NULL,
                last_error TEXT, unless_acknowledged BOOLEAN NOT NULL, message TEXT NOT NULL)
            """,
            "CREATE INDEX notification_outbox_due ON notification_outbox (state, due_at)",
            "CREATE INDEX notification_outbox_event ON notification_outbox (event_id)",
        ]),
        // The notification rules an admin edited (`NotificationRuleStore.swift`), and the outbox's
        // fold marks (a restarted hub folds a burst it already messaged).
        (15, "notification-rules", [
            """
            CREATE TABLE notification_rules (
                id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL, rules TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,
                actor TEXT NOT NULL)
            """,
            "ALTER TABLE notification_outbox ADD COLUMN fold_kind TEXT, ADD COLUMN fold_device TEXT, ADD COLUMN fold_at DOUBLE PRECISION",
            "CREATE INDEX notification_outbox_fold ON notification_outbox (fold_at)",
        ]),
        // Partners' packages received and verified (`ReceivedPackageStore.swift`): one row per package.
        (16, "received-packages", [
            """
            CREATE TABLE received_packages (
                sha256 TEXT PRIMARY KEY, partner TEXT NOT NULL, country TEXT NOT NULL, partner_declaration TEXT NOT NULL, ucr TEXT,
                containers TEXT NOT NULL, seals TEXT NOT NULL, cleared BOOLEAN NOT NULL, summary TEXT NOT NULL,
                event_id TEXT NOT NULL, bytes BIGINT NOT NULL, received_at DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX received_packages_partner ON received_packages (partner, received_at)",
        ]),
    ]

    /// Work a migration does in Swift after its statements, in the same transaction.
    static func chainAfter(_ version: Int, _ db: PostgresConnection, _ logger: Logger) async throws {
        if version == 8 { try await PostgresEventStore.chainExistingRows(db, logger) }
        if version == 12 { try await PostgresEventStore.partitionEvents(db, logger) }
    }

    /// Row triggers refusing UPDATE and DELETE, and a statement trigger refusing TRUNCATE.
    static func appendOnly(_ table: String) -> [String] {
        [
            "CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION niihub_refuse_change()",
            "CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION niihub_refuse_change()",
        ]
    }

    /// The session-level advisory lock held while migrating, so hubs starting together take turns.
    static let migrationLock: Int64 = 0x6E69_6968_7562_0000

    /// Applies the migrations the database lacks, one hub at a time; refuses a database whose
    /// schema is newer than this build's.
    /// `through` stops after that version (tests making a store as an older build left it).
    static func migrate(_ client: PostgresClient, store: String, logger: Logger, through: Int = .max) async throws {
        try await client.withConnection { db in
            try await db.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
            do {
                try await apply(db, store: store, logger: logger, through: through)
            } catch {
                _ = try? await db.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
                throw error
            }
            try await db.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
        }
    }

    private static func apply(_ db: PostgresConnection, store: String, logger: Logger, through: Int) async throws {
        try await db.query(
            """
            CREATE TABLE IF NOT EXISTS niihub_schema (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """, logger: logger)
        var applied: [Int: String] = [:]
        for try await (v, name) in try await db.query("SELECT version, name FROM niihub_schema", logger: logger)
            .decode((Int, String).self)
        {
            applied[v] = name
        }
        let known = Set(migrations.map(\.version))
        let unknown = applied.filter { !known.contains($0.key) }.sorted { $0.key < $1.key }
        if !unknown.isEmpty {
            throw NewerSchema(
                store: store, found: unknown.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                known: "\(migrations.last!.version) \(migrations.last!.name)")
        }
        for m in migrations where applied[m.version] == nil && m.version <= through {
            try await db.withTransaction(logger: logger) { tx in
                for sql in m.statements { try await tx.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                try await chainAfter(m.version, tx, logger)
                try await tx.query(
                    "INSERT INTO niihub_schema (version, name) VALUES (\(m.version), \(m.name))", logger: logger)
            }
            logger.info("store migrated", metadata: ["store": "\(store)", "migration": "\(m.version) \(m.name)"])
        }
    }
}
#endif
