import Foundation
import HubStore
import Logging

/// Logins, tokens and the audit log over the hub's store.
public final class AuthService: Sendable {
    /// Where users, tokens and the audit log are kept.
    public let store: any HubRecordStore
    /// How long a dashboard login lasts.
    public let sessionLifetime: Duration
    /// Default life of an API token when its creator names none.
    public let tokenLifetime: Duration
    let passwordRounds: Int

    /// `passwordRounds` is the PBKDF2 cost of new passwords; existing ones keep the cost they were made with.
    public init(
        store: any HubRecordStore, passwordRounds: Int = Secrets.passwordRounds, sessionLifetime: Duration = .seconds(12 * 3600),
        tokenLifetime: Duration = .seconds(90 * 86400)
    ) {
        self.store = store
        self.passwordRounds = passwordRounds
        self.sessionLifetime = sessionLifetime
        self.tokenLifetime = tokenLifetime
    }

    /// The identity a bearer secret stands for, if it is known, unexpired and not revoked.
    public func authenticate(_ secret: String, at now: Date = Date()) async -> Identity? {
        guard let t = try? await store.token(sha256: Secrets.sha256(secret)), t.isValid(at: now) else { return nil }
        return Identity(name: t.owner, role: t.role, tokenID: t.id)
    }

    /// A new secret for `owner` acting as `role`; only its hash is kept.
    public func issue(
        _ kind: TokenRecord.Kind, owner: String, role: Role, label: String? = nil, lifetime: Duration? = nil,
        at now: Date = Date()
    ) async throws -> (secret: String, record: TokenRecord) {
        let secret = Secrets.newToken()
        let life = lifetime ?? (kind == .session ? sessionLifetime : tokenLifetime)
        let record = TokenRecord(
            id: Secrets.newHandle(), sha256: Secrets.sha256(secret), kind: kind, owner: owner, role: role, label: label,
            createdAt: now, expiresAt: now.addingTimeInterval(Double(life.components.seconds)))
        try await store.addToken(record)
        return (secret, record)
    }

    /// Adds a login; false when the name is taken.
    public func addUser(_ name: String, role: Role, password: String, at now: Date = Date()) async throws -> Bool {
        let salt = Secrets.randomBytes(16)
        let hash = try Secrets.passwordHash(password, salt: salt, rounds: passwordRounds)
        return try await store.addUser(
            UserRecord(
                name: name, role: role, passwordHash: hash, salt: Secrets.hex(salt), iterations: passwordRounds,
                createdAt: now))
    }

    /// A session for a user whose password matches, else nil (the same for an unknown name).
    public func login(_ name: String, password: String) async throws -> (secret: String, record: TokenRecord)? {
        guard let user = try await store.user(named: name), let salt = Secrets.unhex(user.salt) else { return nil }
        let hash = try Secrets.passwordHash(password, salt: salt, rounds: user.iterations)
        guard Secrets.equal(hash, user.passwordHash) else { return nil }
        return try await issue(.session, owner: user.name, role: user.role)
    }

    /// Appends to the audit log; a failure is logged, not thrown, because the change it records
    /// has already happened.
    public func audit(_ who: Identity, _ action: String, target: String? = nil, detail: String? = nil, logger: Logger) async {
        do {
            try await store.audit(
                AuditEntry(at: Date(), actor: who.name, role: who.role.rawValue, action: action, target: target, detail: detail))
        } catch {
            logger.error("audit log write failed", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }
}
