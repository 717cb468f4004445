import Foundation
import HubModel
import HubPackage
import HubStore
import HubTesting
import SwiftASN1
import X509

/// A partner administration's hub: its own CA and signing key, and its own SQLite store holding its
/// side of a shipment (its declaration with the shared UCR and container, a gate passage without an
/// alarm and a clear scan), from which it exports a package with part 1's exporter.
struct PartnerHub {
    static let number = "300000000088"
    static let ucr = "6VN0301234567-88"
    static let container = "CSQU3054383"
    static let declaration = """
        {"number": "\(number)", "ucr": "\(ucr)", "type": "export", "office": "KH01", "trader": {"tin": "0301234567"},
         "containers": ["\(container)"], "channel": "green"}
        """

    let ca: TestCA
    let site: String
    let dir: TemporaryDirectory
    let storePath: String

    /// The partner's store with its evidence; `alarm` makes its scan an alarm (not cleared).
    init(site: String = "bavet", caName: String = "Cambodia Customs Root CA", alarm: Bool = false) async throws {
        ca = try await TestCA(caName)
        self.site = site
        dir = try TemporaryDirectory("partner-\(site)")
        storePath = dir.path("partner.sqlite")
        let store = try SQLiteEventStore(path: storePath)
        let t0 = Date().addingTimeInterval(-7200)
        let d = try DeclarationDocument.parse(Data(Self.declaration.utf8)).mapError { PackageFixture.FixtureError(what: "\($0)") }.get()
        _ = try await store.save(d, at: t0)
        let ids = EventIDGenerator()
        var box = Subject()
        box.containers = [Self.container]
        var scan = ScanResultPayload(scanId: "KH-SC-1", startedAt: t0.addingTimeInterval(60))
        scan.atdResult = alarm ? .suspect : .clear
        let evidence: [(String, EventPayload, Severity, String)] = [
            (EventKind.passage, GatePassagePayload(
                passage: "KH-P-1", revision: nil, startedAt: t0, endedAt: t0.addingTimeInterval(40), events: [], missing: nil, alarmed: false,
                ambiguous: nil
            ).payload, .info, "passage KH-P-1"),
            (EventKind.scanResult, scan.payload, alarm ? .alarm : .info, "{\"scanId\": \"KH-SC-1\"}"),
        ]
        for (i, (kind, payload, severity, frame)) in evidence.enumerated() {
            let at = t0.addingTimeInterval(Double(i) * 60)
            let bytes = Array(frame.utf8)
            let raw = RawRecord(
                sha256: ChainHash.hex(ChainHash.sha256(bytes)), format: "gate", deviceID: "gate", firstReceivedAt: at, receivedAt: at,
                frameCount: 1, bytes: bytes)
            let e = InspectionEvent(
                id: ids.next(at: at), kind: kind, device: DeviceRef(id: "gate", profile: "gate", family: "gate"), site: site, lane: "1",
                observedAt: at, receivedAt: at, subject: box, payload: payload, severity: severity, raw: raw.ref)
            try await store.append(IngestBatch(records: [raw], events: [e]))
        }
        await store.close()
    }

    /// A new signing key with a certificate from this partner's CA (as `niihub package keygen` and the CA make them).
    func signer(commonName: String = "Bavet border hub") throws -> SignerIdentity {
        let made = try KeyMaterial.generate(commonName: commonName, organization: "Cambodia Customs", country: "KH")
        let cert = try ca.issue(csrPEM: made.csrPEM)
        return try SignerIdentity(keyPEM: made.keyPEM, chainPEM: try cert.serializeAsPEM().pemString + "\n")
    }

    /// The package of the partner's declaration, signed by `signer`.
    func export(signer: SignerIdentity) async throws -> [UInt8] {
        let store = try SQLiteEventStore(path: storePath)
        let made = try await PackageExporter().export(declaration: Self.number, store: store, blobs: nil, site: site, signer: signer, now: Date())
        await store.close()
        return made.bytes
    }

    /// The CA certificate written to a file, for a site's `partners:`.
    func caFile(in dir: TemporaryDirectory, _ name: String) throws -> String { try dir.write(name, try ca.pem) }
}
