import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a file beside the store, held while its schema is brought up to date, so
/// hubs started at once on one SQLite file migrate one after the other (PostgreSQL uses an advisory lock).
enum SchemaLock {
    static func holding<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: path]) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

/// The store was written by a newer hub: its schema has migrations this build does not know.
public struct NewerSchema: Error, CustomStringConvertible {
    public var store: String
    public var found: String
    public var known: String
    public init(store: String, found: String, known: String) {
        self.store = store
        self.found = found
        self.known = known
    }
    public var description: String {
        "the store \(store) has a newer schema (\(found)) than this hub knows (up to \(known)); run a newer niihub"
    }
}
