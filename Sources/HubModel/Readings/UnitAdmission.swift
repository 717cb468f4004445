/// What a listener did with a unit that named itself (a tracker's IMEI, an e-seal's id).
public enum UnitVerdict: String, Sendable, Codable, Equatable {
    /// Known to the site (or allowed by its policy): decoded as usual.
    case admitted
    /// Unknown, kept at arm's length: answered as if admitted so it keeps talking, its bytes archived
    /// and counted, but nothing it says becomes an inspection event.
    case quarantined
    /// Unknown or denied: refused at its login, and nothing it sends is decoded.
    case refused
}

/// The unit a connection named and what became of it.
public struct UnitLogin: Sendable, Equatable {
    public var id: String
    public var verdict: UnitVerdict

    public init(id: String, verdict: UnitVerdict) {
        self.id = id
        self.verdict = verdict
    }
}
