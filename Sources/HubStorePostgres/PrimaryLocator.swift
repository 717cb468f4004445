#if PostgreSQL
import Foundation
import HubModel
import Logging
import NIOSSL
import PostgresNIO

/// Finds, among a location's endpoints (a primary and its standbys), the one a hub may settle on
/// (libpq's `target_session_attrs`). postgres-nio's pool takes one host, so the store asks here first
/// and points its pool at the answer; after a failover it asks again.
enum PrimaryLocator {
    /// Each endpoint's answer when none would do.
    struct NoPrimary: Error, CustomStringConvertible {
        var answers: [String]
        var description: String { "no server takes writes: " + answers.joined(separator: "; ") }
    }

    /// The index of the first endpoint, in the URL's order, that suits `at.targetSessionAttrs`. Each
    /// probe is a fresh connection with a short timeout, so a dead host costs at most `attempt`.
    static func locate(_ at: PostgresLocation, attempt: Duration = .seconds(2), logger: Logger) async throws -> Int {
        var answers: [String] = []
        for (i, endpoint) in at.endpoints.enumerated() {
            do {
                let (inRecovery, readOnly) = try await Deadline.within(attempt, what: "probing \(endpoint.description)") {
                    try await probe(at, endpoint, attempt: attempt, logger: logger)
                }
                switch at.targetSessionAttrs {
                case .any: return i
                case .primary where !inRecovery: return i
                case .readWrite where !inRecovery && !readOnly: return i
                default: answers.append("\(endpoint.description): \(inRecovery ? "in recovery (a standby)" : "read-only")")
                }
            } catch {
                answers.append("\(endpoint.description): \(error)")
            }
        }
        throw NoPrimary(answers: answers)
    }

    /// Connects once and asks whether the server is a standby and whether it takes writes.
    private static func probe(
        _ at: PostgresLocation, _ endpoint: PostgresLocation.Endpoint, attempt: Duration, logger: Logger
    ) async throws -> (inRecovery: Bool, readOnly: Bool) {
        var config = try PostgresEventStore.connectionConfiguration(at, endpoint)
        config.options.connectTimeout = .milliseconds(Int64(attempt / .milliseconds(1)))
        let connection = try await PostgresConnection.connect(configuration: config, id: 0, logger: logger)
        do {
            let rows = try await connection.query(
                "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')", logger: logger)
            var answer = (inRecovery: true, readOnly: true)
            for try await (recovery, readOnly) in rows.decode((Bool, String).self) {
                answer = (recovery, readOnly == "on")
            }
            try? await connection.close()
            return answer
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

extension PostgresEventStore {
    /// A single connection's settings for one endpoint (the locator's probes, a listener).
    static func connectionConfiguration(
        _ at: PostgresLocation, _ endpoint: PostgresLocation.Endpoint, application: String = "niihub"
    ) throws -> PostgresConnection.Configuration {
        var config: PostgresConnection.Configuration
        if let socket = endpoint.socketPath {
            config = .init(unixSocketPath: socket, username: at.user, password: at.password, database: at.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS =
                switch at.tlsPolicy(for: endpoint) {
                case .none: .disable
                case .preferred(let check): .prefer(try NIOSSLContext(configuration: tlsConfiguration(check)))
                case .required(let check): .require(try NIOSSLContext(configuration: tlsConfiguration(check)))
                }
            config = .init(
                host: endpoint.host ?? "localhost", port: endpoint.port, username: at.user, password: at.password,
                database: at.database, tls: tls)
        }
        config.options.additionalStartupParameters = [("application_name", application)]
        return config
    }

    /// Whether `error` says the server went away or is not (or no longer) the primary, rather than
    /// that it refused the statement: a write that failed so is retried after locating the primary.
    static func isFailover(_ error: any Error) -> Bool {
        switch error {
        case is DeadlinePassed, is PrimaryLocator.NoPrimary, is PoolMoved:
            return true
        case _ where String(reflecting: type(of: error)).hasSuffix(".ConnectionPoolError"):
            // The pool's own errors (its circuit breaker, its shutdown) live in a module postgres-nio
            // does not export; every one of them means no connection could be had.
            return true
        case let e as PostgresTransactionError:
            return [e.beginError, e.closureError, e.commitError].contains { $0.map(isFailover) ?? false }
        case let e as PSQLError:
            if [.serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed, .clientClosedConnection]
                .contains(e.code)
            {
                return true
            }
            guard let state = e.serverInfo?[.sqlState] else { return false }
            // 25006 read-only transaction (a standby), 57P01-03 shutting down or not yet accepting,
            // class 08 connection exceptions.
            return ["25006", "57P01", "57P02", "57P03"].contains(state) || state.hasPrefix("08")
        default:
            return false
        }
    }
}
#endif
