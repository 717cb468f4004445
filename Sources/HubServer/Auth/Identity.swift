import HubStore

/// Who made a request: the login or token owner, the role it acts in, and the token used.
public struct Identity: Sendable, Equatable, Codable {
    /// The user or token owner, as the audit log names them.
    public var name: String
    public var role: Role
    /// The public handle of the token or session used (empty for the hub itself).
    public var tokenID: String
}
