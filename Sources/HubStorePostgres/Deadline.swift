#if PostgreSQL
/// Runs `body`, failing with `DeadlinePassed` if it takes longer than `limit`: a pool waiting for a
/// server that is not there would otherwise wait for ever.
enum Deadline {
    static func within<T: Sendable>(
        _ limit: Duration, what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw DeadlinePassed(what: what, limit: limit)
            }
            return value
        }
    }
}

/// Something the store waited for did not happen in time.
public struct DeadlinePassed: Error, CustomStringConvertible {
    public var what: String
    public var limit: Duration
    public var description: String { "\(what): no answer within \(limit)" }
}
#endif
