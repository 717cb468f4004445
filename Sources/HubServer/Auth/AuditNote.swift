import Synchronization

/// What a handler tells the audit log about the change it made (the token it created, the
/// declaration it stored), beyond the path the middleware sees. Shared by reference, because the
/// request context reaches handlers as a copy.
final class AuditNote: Sendable {
    private let value = Mutex<(target: String?, detail: String?)>((nil, nil))

    func set(target: String?, detail: String? = nil) { value.withLock { $0 = (target, detail) } }

    var target: String? { value.withLock { $0.target } }
    var detail: String? { value.withLock { $0.detail } }
}
