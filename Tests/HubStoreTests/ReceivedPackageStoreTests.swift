import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// Received partner packages, in both stores: one row per SHA-256 (a second record of the same
/// package changes nothing), read back whole, and kept across reopening the store.
struct ReceivedPackageStoreTests {
    @Test(arguments: StoreKind.testable)
    func aPackageIsRecordedOnceAndReadBack(kind: StoreKind) async throws {
        let dir = try TemporaryDirectory("received-packages")
        let under = try await StoreUnderTest.make(kind, dir)
        let store = under.store
        let sha = String(repeating: "ab", count: 32)
        let row = ReceivedPackageRow(
            sha256: sha, partner: "kh-customs", country: "KH", partnerDeclaration: "300000000088", ucr: "6VN0301234567-88",
            containers: ["CSQU3054383"], seals: [], cleared: true, summary: "Signature by CN=Bavet hub verified.", eventID: "01JEVENT",
            bytes: 20_480, receivedAt: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try await store.receivedPackage(sha256: sha) == nil)
        #expect(try await store.recordReceivedPackage(row))
        var other = row
        other.eventID = "01JOTHER"
        #expect(try await !store.recordReceivedPackage(other), "the same package twice")
        #expect(try await store.receivedPackage(sha256: sha) == row)
        await store.close()
        let reopened = try await under.reopen()
        #expect(try await reopened.receivedPackage(sha256: sha) == row)
        var noUCR = row
        noUCR.sha256 = String(repeating: "cd", count: 32)
        noUCR.ucr = nil
        noUCR.seals = ["ES-1", "ES-2"]
        #expect(try await reopened.recordReceivedPackage(noUCR))
        #expect(try await reopened.receivedPackage(sha256: noUCR.sha256) == noUCR)
        await reopened.close()
    }
}
