extension EventPayload {
    /// Whether the payload is one of the typed cases (not kept as JSON).
    public var isTyped: Bool {
        if case .untyped = self { return false }
        return true
    }

    /// Whether this version has a payload type for `kind`.
    public static func hasType(forKind kind: String) -> Bool { types[kind] != nil }
}
