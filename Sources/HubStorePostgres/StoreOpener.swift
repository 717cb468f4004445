import Foundation
import HubModel
import HubStore
import Logging

/// Opens the store a site config names. PostgreSQL needs a niihub built with the `PostgreSQL`
/// package trait (`swift build --traits PostgreSQL`); without it that choice is refused by name.
public enum StoreOpener {
    /// Whether this build has the PostgreSQL store.
    public static var hasPostgreSQL: Bool {
        #if PostgreSQL
        true
        #else
        false
        #endif
    }

    /// `replica` names this hub among those sharing a PostgreSQL store (nil: `host:pid`).
    public static func open(_ settings: StoreSettings, logger: Logger, replica: String? = nil) async throws -> any HubRecordStore {
        switch settings {
        case .sqlite(let path):
            return try SQLiteEventStore(path: path)
        case .postgres(let location):
            #if PostgreSQL
            return try await PostgresEventStore.open(location, logger: logger, replica: replica)
            #else
            throw PostgreSQLNotBuilt(location: location.redacted)
            #endif
        }
    }
}

/// The config asks for PostgreSQL, but this niihub was built without it.
public struct PostgreSQLNotBuilt: Error, CustomStringConvertible {
    public var location: String
    public init(location: String) { self.location = location }
    public var description: String {
        "store \(location): this niihub was built without PostgreSQL; build it with `swift build --traits PostgreSQL`"
    }
}
