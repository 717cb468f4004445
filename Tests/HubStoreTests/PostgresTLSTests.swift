#if PostgreSQL
import Foundation
import HubModel
import HubStore
import HubStorePostgres
import HubTesting
import Logging
import Testing

/// The store over TCP to a PostgreSQL that takes TLS connections only (scripts/with-postgres.sh
/// rejects plain TCP in pg_hba.conf): a URL without `sslmode` connects, encrypted; `sslmode=disable`
/// is turned away; `verify-full` connects with the CA that signed the server's certificate and not
/// against the system's roots.
@Suite(.timeLimit(.minutes(3)))
struct PostgresTLSTests {
    /// Fails unless the session it runs in is encrypted.
    static let mustBeEncrypted = """
        DO $$ BEGIN
          IF NOT (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) THEN RAISE EXCEPTION 'session not encrypted'; END IF;
        END $$
        """

    @Test(.enabled(if: PostgresTestServer.tcpURL != nil || PostgresTestServer.required))
    func aTCPConnectionIsEncryptedByDefaultAndVerifiedOnRequest() async throws {
        let tcp = try #require(PostgresTestServer.tcpURL, "scripts/with-postgres.sh sets NIIHUB_TEST_POSTGRES_TCP_URL")
        let ca = try #require(PostgresTestServer.caFile, "scripts/with-postgres.sh sets NIIHUB_TEST_POSTGRES_CA")
        let scratch = try await PostgresTestServer.scratch()
        func at(_ query: String) throws -> PostgresLocation {
            var at = try PostgresLocation(url: tcp + query)
            at.database = scratch.database
            return at
        }
        var logger = Logger(label: "pg-tls")
        logger.logLevel = .critical

        // No sslmode over TCP: require. The server takes it, and the session says it is encrypted.
        let byDefault = try at("")
        #expect(byDefault.tlsPolicy == .required(.none))
        let store = try await PostgresEventStore.open(byDefault, logger: logger, connectTimeout: .seconds(60))
        try await store.execute(unsafeSQL: Self.mustBeEncrypted)
        await store.close()

        // Verified against the CA that signed the server's certificate, host (127.0.0.1) included.
        let verified = try await PostgresEventStore.open(
            try at("?sslmode=verify-full&sslrootcert=\(ca)"), logger: logger, connectTimeout: .seconds(60))
        try await verified.execute(unsafeSQL: Self.mustBeEncrypted)
        await verified.close()

        // Plain TCP is turned away by the server; verification against the system's roots, which
        // never signed this certificate, by the hub.
        for query in ["?sslmode=disable", "?sslmode=verify-full"] {
            let location = try at(query)
            await #expect(throws: (any Error).self, "\(query) connected") {
                let s = try await PostgresEventStore.open(location, logger: logger, connectTimeout: .seconds(10))
                await s.close()
            }
        }
    }
}
#endif
