import Foundation
import HubModel

/// Leases: work that must have one owner among the hubs sharing a store (correlation, the feed's
/// webhook, retention) is done by whoever holds its lease. A lease lasts `ttl` from its last renewal
/// by the store's clock, so a hub that dies hands its work over within `ttl` without anyone noticing
/// the death; each change of owner raises the lease's epoch, which fences what the old owner still
/// tries to store (`IngestBatch.fences`).
public protocol LeaseGranting: Sendable {
    /// Whether other hubs may share this store (and so contend for leases).
    var sharesLeases: Bool { get }
    /// Takes `name` for `owner` (or renews it) for `ttl`: the epoch it is held at, or nil while
    /// another owner holds it.
    func acquireOrRenew(_ name: String, owner: String, ttl: Duration) async throws -> Int64?
    /// Gives `name` up, if `owner` holds it, so another may take it at once.
    func release(_ name: String, owner: String) async throws
}

extension LeaseGranting {
    /// A store one hub alone uses grants every lease, at one epoch.
    public var sharesLeases: Bool { false }
    public func acquireOrRenew(_ name: String, owner: String, ttl: Duration) async throws -> Int64? { 1 }
    public func release(_ name: String, owner: String) async throws {}
}

/// A batch concluded under a lease its owner no longer holds at that epoch: refused, since the
/// lease's new owner concludes the same from the same events.
public struct Fenced: Error, CustomStringConvertible {
    public var fence: Fence
    public init(_ fence: Fence) { self.fence = fence }
    public var description: String { "refused: the lease \(fence.lease) is no longer held by \(fence.owner) at epoch \(fence.epoch)" }
}

/// The newest position in the store, where a hub taking over correlation starts to follow it.
public protocol StoreHead: Sendable {
    /// The largest event `seq` stored (0 for none).
    func headSeq() async throws -> Int64
}
