import Foundation
import GRDB
import HubModel
import HubStore
import HubTesting
import Testing

/// The audit log, adjudications and tokens in the SQLite store.
struct AuditStoreTests {
    @Test func auditAndAdjudicationsAreAppendOnlyAndTokensRevokeOnce() async throws {
        let dir = try TemporaryDirectory("audit-store")
        let store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
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

        let token = TokenRecord(
            id: "t1", sha256: String(repeating: "a", count: 64), kind: .api, owner: "x", role: .analyst, label: nil,
            createdAt: now, expiresAt: now.addingTimeInterval(60))
        try await store.addToken(token)
        #expect(try await store.token(sha256: token.sha256)?.isValid(at: now) == true)
        #expect(try await store.revokeToken(id: "t1", at: now))
        #expect(try await store.revokeToken(id: "t1", at: now) == false)
        #expect(try await store.token(sha256: token.sha256)?.isValid(at: now) == false)

        let db = try DatabaseQueue(path: dir.path("hub.sqlite"))
        for sql in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "UPDATE adjudications SET outcome = 'cleared'",
                    "DELETE FROM adjudications"] {
            await #expect(throws: DatabaseError.self, "\(sql)") { try await db.write { try $0.execute(sql: sql) } }
        }
    }
}
