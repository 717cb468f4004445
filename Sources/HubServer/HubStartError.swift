/// Why a hub cannot start with its configuration, beyond what the config loader already checks.
public enum HubStartError: Error, CustomStringConvertible {
    /// `forward:` needs a store that can read itself back in order from a cursor.
    case forwardingUnsupported(store: String)

    public var description: String {
        switch self {
        case .forwardingUnsupported(let store):
            return "forward: the store at \(store) cannot forward its events (store-and-forward runs from a SQLite gate store)"
        }
    }
}
