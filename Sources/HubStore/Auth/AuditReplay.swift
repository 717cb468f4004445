import Foundation

extension AuthStore {
    /// The targets of every audit entry of `actions`, oldest first, with their action: for state the
    /// hub keeps as decisions in its audit log (unit admissions) and rebuilds at start. Read through
    /// the paged listing, so every store kind answers it the same way.
    public func auditTargets(actions: [String]) async throws -> [(action: String, target: String)] {
        var found: [(seq: Int64, action: String, target: String)] = []
        for action in actions {
            var before: Int64? = nil
            while true {
                let page = try await auditEntries(action: action, actor: nil, before: before, limit: 500)
                for e in page { if let seq = e.seq, let target = e.target { found.append((seq, e.action, target)) } }
                guard page.count == 500, let last = page.last?.seq else { break }
                before = last
            }
        }
        return found.sorted { $0.seq < $1.seq }.map { ($0.action, $0.target) }
    }
}
