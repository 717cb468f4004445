import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// Acknowledgements and adjudication codes, in both stores: the first acknowledgement of an alarm
/// stands, neither table can be changed afterwards, and both survive reopening the store.
struct AlarmRecordStoreTests {
    @Test(arguments: StoreKind.testable)
    func theFirstAcknowledgementStandsAndCodesAreKept(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("alarm-records")
        let under = try await StoreUnderTest.make(kind, dir)
        let store = under.store
        let first = Date(timeIntervalSince1970: 1_796_000_000.125), later = first.addingTimeInterval(42)

        let made = try await store.acknowledge(Acknowledgement(eventID: "E1", by: "lan", at: first))
        #expect(made.new)
        #expect(made.acknowledgement.by == "lan" && made.acknowledgement.at == first && made.acknowledgement.seq != nil)
        let again = try await store.acknowledge(Acknowledgement(eventID: "E1", by: "minh", at: later))
        #expect(!again.new)
        #expect(again.acknowledgement == made.acknowledgement, "the second answer is the first acknowledgement, unchanged")
        #expect(try await store.acknowledge(Acknowledgement(eventID: "E2", by: "minh", at: later)).new)
        #expect(try await store.acknowledgements(eventIDs: ["E1", "E3"]).map(\.by) == ["lan"])
        #expect(try await store.acknowledgements(eventIDs: []).isEmpty)

        try await store.addAdjudication(
            Adjudication(eventID: "E1", code: .norm, outcome: .cleared, note: "K-40", isotopes: ["K-40"], secondaryInspection: .completed,
                         by: "lan", at: first))
        // Before the code was a field (or from a client that sends only the outcome): no code.
        try await store.addAdjudication(
            Adjudication(eventID: "E2", outcome: .referred, note: "[real] bay 2", isotopes: [], secondaryInspection: .requested, by: "minh", at: later))
        try await store.addAdjudication(
            Adjudication(eventID: "E3", code: .tamperFault, outcome: .falseAlarm, note: nil, isotopes: [], secondaryInspection: .none,
                         by: "minh", at: later))
        let codes = try await store.adjudications(eventIDs: ["E1", "E2", "E3"]).map { $0.code?.rawValue ?? "none" }
        #expect(codes == ["norm", "none", "tamper-fault"])

        for sql in [#"UPDATE acknowledgements SET "by" = 'x'"#, "DELETE FROM acknowledgements", "UPDATE adjudications SET code = 'real'"] {
            await #expect(throws: (any Error).self, "\(sql)") { try await under.rawSQL(sql) }
        }
        await store.close()
        let reopened = try await under.reopen()
        #expect(try await reopened.acknowledgements(eventIDs: ["E1", "E2"]).map(\.by) == ["lan", "minh"])
        #expect(try await reopened.acknowledgements(eventIDs: ["E1"]).first?.at == first)
        #expect(try await reopened.adjudications(eventIDs: ["E1"]).first?.code == .norm)
        await reopened.close()
    }
}
