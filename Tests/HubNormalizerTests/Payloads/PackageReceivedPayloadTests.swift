import Foundation
import HubModel
import Testing

/// `package.received`: typed, byte-exact through the store and its own reader; a member the type
/// does not know keeps it untyped.
struct PackageReceivedPayloadTests {
    static func event(inspectedAt: Date?) -> InspectionEvent {
        let payload = PackageReceivedPayload(
            partner: "kh-customs", country: "KH", partnerDeclaration: "300000000088", partnerSite: "bavet", signer: "CN=Bavet border hub",
            packageSHA256: String(repeating: "0f", count: 32), bytes: 30_720, members: 9, created: Date(timeIntervalSince1970: 1_795_000_123.25),
            inspectedAt: inspectedAt, cleared: true, summary: "Signature by CN=Bavet border hub verified to kh-customs's certificate authority.")
        var subject = Subject()
        subject.containers = ["CSQU3054383"]
        subject.ucr = "6VN0301234567-88"
        let at = Date(timeIntervalSince1970: 1_795_003_600)
        return InspectionEvent(
            id: EventIDGenerator().next(at: at), kind: EventKind.packageReceived,
            device: DeviceRef(id: "partner-packages", profile: "partner-package", family: "package"), site: "moc-bai", lane: nil,
            observedAt: at, receivedAt: at, subject: subject, payload: payload.payload, severity: .info,
            raw: RawRef(sha256: String(repeating: "1", count: 64), format: "niihub-package-receipt"))
    }

    @Test func aReceivedPackageIsTypedAndExact() throws {
        for inspected in [Date(timeIntervalSince1970: 1_794_990_000.5), nil] {
            let e = Self.event(inspectedAt: inspected)
            try PayloadRoundTrip.expectTypedAndExact(e, PackageReceivedPayload.self)
            #expect(e.packageReceived?.partner == "kh-customs" && e.packageReceived?.inspectedAt == inspected)
        }
        try PayloadRoundTrip.expectUntyped(Self.event(inspectedAt: nil)) { $0["verdict"] = .string("clear") }
        try PayloadRoundTrip.expectUntyped(Self.event(inspectedAt: nil)) { $0["cleared"] = .string("yes") }
    }
}
