/// The store could not be reached (its server is down, restarting, or being replaced by a standby),
/// as opposed to refusing what it was given. Whoever holds data a device or client is waiting to have
/// acknowledged should wait and try again rather than give it up: the store is expected back.
///
/// A write that failed this way may still have been committed (the answer to COMMIT was lost), so a
/// retry must say so (`IngestBatch.retried`) for the store to keep what it already has only once.
public struct StoreUnavailable: Error, CustomStringConvertible {
    /// What the driver reported.
    public var cause: any Error

    public init(cause: any Error) { self.cause = cause }

    public var description: String { "store unavailable: \(cause)" }
}
