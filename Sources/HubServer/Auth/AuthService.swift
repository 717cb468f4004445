import Foundation
import HubSite
import HubStore
import Logging
import NIOPosix
import Synchronization
import HubModel

/// Logins, tokens and the audit log over the hub's store.
public final class AuthService: Sendable {
    /// Where users, tokens and the audit log are kept.
    public let store: any HubRecordStore
    /// How long a dashboard login lasts.
    public let sessionLifetime: Duration
    /// Default life of an API token when its creator names none (never above `maxTokenLifetime`).
    public let tokenLifetime: Duration
    /// The longest life an API token may be given (the site config's `auth.maxTokenLifetimeS`).
    public let maxTokenLifetime: Duration
    let passwordRounds: Int
    private let throttle: Mutex<LoginThrottle>
    /// Where password hashes run: off the cooperative pool, a few at once (`login.maxConcurrentHashes`).
    public let hashing: PasswordHashing

    /// `passwordRounds` is the PBKDF2 cost of new passwords; existing ones keep the cost they were made with.
    public init(
        store: any HubRecordStore, passwordRounds: Int = Secrets.passwordRounds, sessionLifetime: Duration = .seconds(12 * 3600),
        tokenLifetime: Duration = .seconds(90 * 86400), maxTokenLifetime: Duration = .seconds(AuthSettings.defaultMaxTokenLifetimeS),
        loginLimits: LoginLimits = LoginLimits(), hashingPool: NIOThreadPool = PasswordHashing.sharedPool
    ) {
        throttle = Mutex(LoginThrottle(limits: loginLimits))
        hashing = PasswordHashing(limit: loginLimits.maxConcurrentHashes, maxWaiting: loginLimits.maxQueuedLogins, pool: hashingPool)
        self.store = store
        self.passwordRounds = passwordRounds
        self.sessionLifetime = sessionLifetime
        self.tokenLifetime = min(tokenLifetime, maxTokenLifetime)
        self.maxTokenLifetime = maxTokenLifetime
    }

    /// The identity a bearer secret stands for, if it is known, unexpired and not revoked. Throws
    /// when the store cannot be asked (a database failing over): that is not a bad credential, and
    /// the caller answers 503, not 401.
    public func authenticate(_ secret: String, at now: Date = Date()) async throws -> Identity? {
        guard let t = try await store.token(sha256: Secrets.sha256(secret)), t.isValid(at: now) else { return nil }
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
        let rounds = passwordRounds
        // Queued however busy logins are: only an admin (or the first start) adds users.
        let hash = try await hashing.run(mayRefuse: false) { try Secrets.passwordHash(password, salt: salt, rounds: rounds) }
        return try await store.addUser(
            UserRecord(
                name: name, role: role, passwordHash: hash, salt: Hex.encode(salt), iterations: passwordRounds,
                createdAt: now))
    }

    /// A session for a user whose password matches, else nil (the same for an unknown name).
    /// Throws `PasswordHashing.Busy` when too many logins wait for a hash already (from anyone, or
    /// from `address`).
    public func login(_ name: String, password: String, from address: String? = nil) async throws
        -> (secret: String, record: TokenRecord)?
    {
        guard let user = try await store.user(named: name), let salt = Secrets.unhex(user.salt) else {
            // As slow as a wrong password, so the answer's time does not tell whether the name exists.
            let rounds = passwordRounds
            _ = try await hashing.run(from: address) { try Secrets.passwordHash(password, salt: Array(repeating: 0, count: 16), rounds: rounds) }
            return nil
        }
        let hash = try await hashing.run(from: address) { try Secrets.passwordHash(password, salt: salt, rounds: user.iterations) }
        guard Secrets.equal(hash, user.passwordHash) else { return nil }
        return try await issue(.session, owner: user.name, role: user.role)
    }

    /// What a login attempt came to.
    public enum LoginOutcome: Sendable {
        case session(secret: String, record: TokenRecord)
        /// Unknown name or wrong password (the same answer for both).
        case rejected
        /// Too many failures for this name or from this address: try again after this many seconds.
        case throttled(retryAfterS: Int)
        /// Too many logins already wait for a password hash (whoever sent them): try again after
        /// this many seconds. Not counted as a failure.
        case busy(retryAfterS: Int)
    }

    /// A login under the rate limits: a name tried from one client address, or a client address,
    /// with too many recent failures waits, whether or not the password is right, and whether or
    /// not the name exists. Guesses at a name from one address never lock that name at another.
    public func attemptLogin(_ name: String, password: String, from address: String?, at now: Date = Date()) async throws
        -> LoginOutcome
    {
        let keys = throttle.withLock { $0.keys(user: name, address: address) }
        if let wait = throttle.withLock({ $0.begin(keys, at: now) }) { return .throttled(retryAfterS: wait) }
        let session: (secret: String, record: TokenRecord)?
        do {
            session = try await login(name, password: password, from: address)
        } catch is PasswordHashing.Busy {
            throttle.withLock { $0.abandon(keys) }
            return .busy(retryAfterS: 1)
        } catch {
            throttle.withLock { $0.abandon(keys) }
            throw error
        }
        throttle.withLock { $0.finish(keys, succeeded: session != nil, at: Date()) }
        guard let session else { return .rejected }
        return .session(secret: session.secret, record: session.record)
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
