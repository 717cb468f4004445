import Synchronization

/// What a handler tells the audit log about the change it made (the token it created, the
/// declaration it stored), beyond the path the middleware sees. Shared by reference, because the
/// request context reaches handlers as a copy.
final class AuditNote: Sendable {
    private let value = Mutex<(target: String?, detail: String?, refusal: Bool)>((nil, nil, false))

    func set(target: String?, detail: String? = nil) { value.withLock { $0 = (target, detail, false) } }

    /// A refusal worth keeping too (a partner's package that did not verify): audited under the
    /// route's action although its answer is not a success.
    func setRefusal(target: String?, detail: String) { value.withLock { $0 = (target, detail, true) } }

    var target: String? { value.withLock { $0.target } }
    var detail: String? { value.withLock { $0.detail } }
    var refusal: Bool { value.withLock { $0.refusal } }
}
