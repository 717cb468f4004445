import HubStore

/// Who made a request: the login or token owner, the role it acts in, and the token used.
public struct Identity: Sendable, Equatable, Codable {
    public var name: String
    public var role: Role
    public var tokenID: String
}
