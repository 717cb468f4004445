#if PostgreSQL
import Foundation
import HubModel
import Logging
import PostgresNIO

/// Fresh, empty databases on a server, one per test or benchmark run, so runs never see each other's rows.
public enum ScratchDatabase {
    /// Creates a database named `prefix` plus a random suffix on the server at `server` (whose
    /// own database is used to issue CREATE DATABASE) and returns its location.
    public static func create(on server: PostgresLocation, prefix: String = "niihub_test") async throws -> PostgresLocation {
        let name = prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        var config = PostgresEventStore.configuration(server)
        config.options.maximumConnections = 1
        let client = PostgresClient(configuration: config)
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        try await Deadline.within(.seconds(60), what: "creating a database on \(server.redacted)") {
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var made = server
        made.database = name
        return made
    }
}
#endif
