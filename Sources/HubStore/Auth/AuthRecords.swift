import Foundation

/// What a person or a system may do at the hub. Admins may do everything; analysts read; operators
/// read and record what was done about an alarm; supervisors read and command GPS e-seals (and
/// approve another supervisor's unlock outside the destination zone).
public enum Role: String, Sendable, Codable, CaseIterable {
    case `operator`, analyst, admin
    case supervisor
    /// A gate hub forwarding its events to a central one: may post them, and nothing else.
    case gate

    /// The roles of people (and their tools) who read the hub; everyone but a forwarding gate.
    public static let people: Set<Role> = [.operator, .analyst, .admin, .supervisor]
}

/// A dashboard login: the password is kept only as a salted, slow hash (PBKDF2-HMAC-SHA256).
public struct UserRecord: Sendable, Codable, Equatable {
    public var name: String
    public var role: Role
    public var passwordHash: String
    public var salt: String
    public var iterations: Int
    public var createdAt: Date

    /// `passwordHash` is hex PBKDF2-HMAC-SHA256 of the password with `salt` (hex) over `iterations` rounds.
    public init(name: String, role: Role, passwordHash: String, salt: String, iterations: Int, createdAt: Date) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.salt = salt
        self.iterations = iterations
        self.createdAt = createdAt
    }
}

/// A bearer credential: an API token or a login session. Only its SHA-256 is stored, so a copy of
/// the database does not hand out working tokens.
public struct TokenRecord: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case api, session }
    /// A short public handle to list and revoke the token by, never the secret.
    public var id: String
    public var sha256: String
    public var kind: Kind
    public var owner: String
    public var role: Role
    public var label: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(
        id: String, sha256: String, kind: Kind, owner: String, role: Role, label: String?, createdAt: Date,
        expiresAt: Date, revokedAt: Date? = nil
    ) {
        self.id = id
        self.sha256 = sha256
        self.kind = kind
        self.owner = owner
        self.role = role
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Usable at `now`: not revoked and not expired.
    public func isValid(at now: Date) -> Bool { revokedAt == nil && now < expiresAt }
}

/// One line of the audit log: who did what to which thing, and when.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var seq: Int64?
    public var at: Date
    public var actor: String
    public var role: String?
    public var action: String
    public var target: String?
    public var detail: String?

    /// An entry; `seq` is set by the store.
    public init(
        seq: Int64? = nil, at: Date, actor: String, role: String?, action: String, target: String?, detail: String?
    ) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.role = role
        self.action = action
        self.target = target
        self.detail = detail
    }
}

/// What was done about an alarm, as a radiation portal's adjudication records it.
public struct Adjudication: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        case falseAlarm = "false-alarm", cleared, referred
    }
    public enum SecondaryInspection: String, Sendable, Codable, CaseIterable {
        case none, requested, completed
    }
    /// The code radiation operators adjudicate with (OSCAR's groups): a closed set, each kept as
    /// the hub's older, coarser `outcome` too.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case real, norm, falseAlarm = "false", test, tamperFault = "tamper-fault"

        /// The outcome this code is recorded as: a real alarm is referred, NORM and a source check
        /// are cleared, a false alarm and a tamper or fault are false alarms (no radiation threat).
        public var outcome: Outcome {
            switch self {
            case .real: .referred
            case .norm, .test: .cleared
            case .falseAlarm, .tamperFault: .falseAlarm
            }
        }
    }
    public var seq: Int64?
    public var eventID: String
    /// Nil for adjudications recorded before the code was a field (or by a client that sends only `outcome`).
    public var code: Code?
    public var outcome: Outcome
    public var note: String?
    public var isotopes: [String]
    public var secondaryInspection: SecondaryInspection
    public var by: String
    public var at: Date

    /// An adjudication of the alarm event `eventID`; `seq` is set by the store.
    public init(
        seq: Int64? = nil, eventID: String, code: Code? = nil, outcome: Outcome, note: String?, isotopes: [String],
        secondaryInspection: SecondaryInspection, by: String, at: Date
    ) {
        self.seq = seq
        self.eventID = eventID
        self.code = code
        self.outcome = outcome
        self.note = note
        self.isotopes = isotopes
        self.secondaryInspection = secondaryInspection
        self.by = by
        self.at = at
    }
}

/// That an operator saw an alarm (and silenced its tone): the first acknowledgement of an alarm is
/// the one kept, with who and when; acknowledging it again changes nothing.
public struct Acknowledgement: Sendable, Codable, Equatable {
    public var seq: Int64?
    public var eventID: String
    public var by: String
    public var at: Date

    /// An acknowledgement of the alarm event `eventID`; `seq` is set by the store.
    public init(seq: Int64? = nil, eventID: String, by: String, at: Date) {
        self.seq = seq
        self.eventID = eventID
        self.by = by
        self.at = at
    }
}
