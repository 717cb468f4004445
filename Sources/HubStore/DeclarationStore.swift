import Foundation
import HubModel

/// Declarations, every version kept: an amendment adds a version, a cancellation adds a cancelled
/// version; the latest version is the one in force and the one its identifiers are indexed under.
public protocol DeclarationStore: Sendable {
    /// Stores `declaration` as the next version of its number (version 1 if new) and returns it as
    /// stored. A document identical to the version in force is not stored again (`created` false).
    func save(_ declaration: Declaration, at: Date) async throws -> (declaration: Declaration, created: Bool)
    /// The version in force (or the given version).
    func declaration(number: String, version: Int?) async throws -> Declaration?
    /// Every version, oldest first.
    func versions(number: String) async throws -> [Declaration]
    /// Declarations in force (not cancelled) that carry an identifier: `container`, `seal`, `plate`, `ucr`.
    func declarations(withKey kind: String, value: String) async throws -> [Declaration]
    /// `declarations(withKey:value:)` for each of `values`, in one read where the store can (the
    /// transit stage asks for every seal in what it was handed at once). Every value is a key of
    /// the answer, with no declarations where none carries it.
    func declarations(withKey kind: String, values: [String]) async throws -> [String: [Declaration]]
    /// The declarations an event is linked to, and why.
    func links(event id: String) async throws -> [Link]
    /// The declarations each of `ids` is linked to, in one read where the store can (the risk
    /// stage asks for every event it was handed at once).
    func links(events ids: [String]) async throws -> [Link]
    /// The events linked to a declaration's version in force, and why.
    func links(declaration number: String) async throws -> [Link]
    /// The newest `risk.assessment` event about a declaration, if any.
    func latestRiskAssessment(declaration number: String) async throws -> InspectionEvent?
    /// Each number's latest version (cancelled ones too) passing `query`, in number order.
    func declarations(_ query: DeclarationListQuery) async throws -> [Declaration]
}

extension DeclarationStore {
    /// One `declarations(withKey:value:)` per value, for stores without a batched read.
    public func declarations(withKey kind: String, values: [String]) async throws -> [String: [Declaration]] {
        var out: [String: [Declaration]] = [:]
        for value in values where out[value] == nil { out[value] = try await declarations(withKey: kind, value: value) }
        return out
    }

    /// One `links(event:)` per id, for stores without a batched read.
    public func links(events ids: [String]) async throws -> [Link] {
        var out: [Link] = []
        for id in ids { out += try await links(event: id) }
        return out
    }
}
