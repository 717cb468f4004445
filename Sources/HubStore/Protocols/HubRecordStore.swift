import Foundation
import HubModel

/// Dashboard logins, bearer tokens and the audit log.
public protocol AuthStore: Sendable {
    /// Adds a user; false when the name is taken.
    func addUser(_ user: UserRecord) async throws -> Bool
    /// The user of that name, if any.
    func user(named name: String) async throws -> UserRecord?
    /// How many users there are (none: the hub has not made its first admin yet).
    func userCount() async throws -> Int
    /// Every user, by name (for the admin's list; the password hashes stay in the records).
    func users() async throws -> [UserRecord]
    /// Stores a new token (its hash; the secret never reaches the store).
    func addToken(_ t: TokenRecord) async throws
    /// The token whose secret hashes to `sha256`, revoked or expired ones included.
    func token(sha256: String) async throws -> TokenRecord?
    /// Every token, newest first.
    func tokens() async throws -> [TokenRecord]
    /// Marks a token revoked; false when there is no such token or it was revoked already.
    func revokeToken(id: String, at now: Date) async throws -> Bool
    /// Appends one entry to the audit log.
    func audit(_ e: AuditEntry) async throws
    /// Audit entries, newest first, optionally of one action or actor, at or after `since` and
    /// before `until`, before a sequence number.
    func auditEntries(action: String?, actor: String?, since: Date?, until: Date?, before: Int64?, limit: Int)
        async throws -> [AuditEntry]
}

extension AuthStore {
    /// Audit entries, newest first, with every filter optional.
    public func auditEntries(
        action: String? = nil, actor: String? = nil, since: Date? = nil, until: Date? = nil, before: Int64? = nil,
        limit: Int = 100
    ) async throws -> [AuditEntry] {
        try await auditEntries(action: action, actor: actor, since: since, until: until, before: before, limit: limit)
    }
}

/// What was done about alarms: appended, never changed. The newest adjudication of an alarm
/// counts; its first acknowledgement is the only one.
public protocol AdjudicationStore: Sendable {
    /// Appends an adjudication.
    func addAdjudication(_ a: Adjudication) async throws
    /// Every adjudication of the given events, oldest first.
    func adjudications(eventIDs: [String]) async throws -> [Adjudication]
    /// Stores `a` unless its alarm was acknowledged already; returns the acknowledgement that
    /// stands (the first) and whether it is this one.
    func acknowledge(_ a: Acknowledgement) async throws -> (acknowledgement: Acknowledgement, new: Bool)
    /// The acknowledgement of each of the given events that has one.
    func acknowledgements(eventIDs: [String]) async throws -> [Acknowledgement]
}

/// Everything a hub keeps: events and their raw archive, ingested files, declarations and links,
/// feed cursors, logins and audit, adjudications; store-and-forward between hubs, retention purges
/// and the hash chains' verification. The hub runs on any store that is one (`SQLiteEventStore`, or
/// `PostgresEventStore` in the `HubStorePostgres` module).
public protocol HubRecordStore:
    EventStore, DeclarationStore, FeedCursorStore, AuthStore, AdjudicationStore, ForwardingStore, RetentionStore, VerifiableStore,
    LiveAnnouncing, LeaseGranting, StoreHead, HolderAnswerStore, NotificationOutboxStore, NotificationRuleStore, ReceivedPackageStore
{
    /// Where the records are, for logs: a file path, or a URL without its password.
    var location: String { get }
    /// Lets go of connections and background work; the store is not used afterwards.
    func close() async
}
