import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// The audit log, adjudications and tokens, in both stores.
struct AuditStoreTests {
    @Test(arguments: StoreKind.testable)
    func auditAndAdjudicationsAreAppendOnlyAndTokensRevokeOnce(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("audit-store")
        let under = try await StoreUnderTest.make(kind, dir)
        let store = under.store
        let now = Date()
        for i in 1...3 {
            try await store.audit(AuditEntry(at: now, actor: "op\(i)", role: "operator", action: "scan.post", target: nil, detail: nil))
        }
        try await store.addAdjudication(
            Adjudication(eventID: "E1", outcome: .referred, note: "bay 2", isotopes: ["Cs-137"], secondaryInspection: .requested, by: "op1", at: now))
        try await store.addAdjudication(
            Adjudication(eventID: "E1", outcome: .cleared, note: nil, isotopes: [], secondaryInspection: .completed, by: "op2", at: now))
        let history = try await store.adjudications(eventIDs: ["E1", "E2"])
        #expect(history.map(\.outcome) == [.referred, .cleared])
        #expect(history.first?.isotopes == ["Cs-137"])

        let entries = try await store.auditEntries(limit: 2)
        #expect(entries.map(\.actor) == ["op3", "op2"])
        #expect(try await store.auditEntries(before: entries.last?.seq).map(\.actor) == ["op1"])
        #expect(try await store.auditEntries(actor: "op2").count == 1)
        // A time range: `since` inclusive, `until` exclusive, on the entry's own time.
        #expect(try await store.auditEntries(since: now).count == 3)
        #expect(try await store.auditEntries(until: now).isEmpty)
        #expect(try await store.auditEntries(actor: "op1", since: now.addingTimeInterval(-1), until: now.addingTimeInterval(1)).count == 1)

        let token = TokenRecord(
            id: "t1", sha256: String(repeating: "a", count: 64), kind: .api, owner: "x", role: .analyst, label: nil,
            createdAt: now, expiresAt: now.addingTimeInterval(60))
        try await store.addToken(token)
        #expect(try await store.token(sha256: token.sha256)?.isValid(at: now) == true)
        #expect(try await store.revokeToken(id: "t1", at: now))
        #expect(try await store.revokeToken(id: "t1", at: now) == false)
        #expect(try await store.token(sha256: token.sha256)?.isValid(at: now) == false)

        for sql in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "UPDATE adjudications SET outcome = 'cleared'",
                    "DELETE FROM adjudications"] {
            await #expect(throws: (any Error).self, "\(sql)") { try await under.rawSQL(sql) }
        }
        #expect(try await store.auditEntries().count == 3)
        // A second user of the same name is refused, not an error.
        let user = UserRecord(name: "ana", role: .analyst, passwordHash: "00", salt: "11", iterations: 1, createdAt: now)
        #expect(try await store.addUser(user))
        #expect(try await store.addUser(user) == false)
        #expect(try await store.user(named: "ana")?.role == .analyst)
        #expect(try await store.userCount() == 1)
        #expect(try await store.users().map(\.name) == ["ana"])
        #expect(try await store.tokens().map(\.id) == ["t1"])
    }
}
