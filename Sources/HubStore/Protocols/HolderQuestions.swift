import Foundation

/// What a replica asks of the one holding a site's correlation lease, when the answer lives only in
/// that replica's memory: the transit map (the watches it keeps) and an operator's passage
/// resolution (the passages it holds open). Behind a load balancer an operator's request reaches any
/// replica; this lets each of them answer it.
public enum HolderQuestion: Sendable, Equatable, Codable {
    /// The active transits, as the map shows them.
    case transits
    /// Evidence `event` belongs to passage `passage`, says user `by`.
    case resolve(event: String, passage: String, by: String)
}

/// A question put to the holder of `lease`, or the note that question `id` was answered (the
/// answer is in the store: a notice is too small for a map).
public enum HolderNotice: Sendable, Equatable, Codable {
    case asked(id: String, lease: String, question: HolderQuestion)
    case answered(id: String)
}

/// Where answers wait for the replica that asked: a table of the shared database. A store one hub
/// alone uses (SQLite) has no other replica to ask, and never holds an answer.
public protocol HolderAnswerStore: Sendable {
    /// Keeps `answer` to question `id` and tells the asker (`HolderNotice.answered`), in one
    /// transaction, so the notice never arrives before the answer.
    func putAnswer(_ answer: Data, to id: String) async throws
    /// Takes (and removes) the answer to `id`; nil when there is none.
    func takeAnswer(to id: String) async throws -> Data?
}

extension HolderAnswerStore {
    public func putAnswer(_ answer: Data, to id: String) async throws {}
    public func takeAnswer(to id: String) async throws -> Data? { nil }
}
