import Crypto
import Foundation
import HubAppTesting
import HubModel
import HubStore
import HubTesting
import SwiftASN1
import X509

/// A store holding one transit declaration's evidence, as the hub's stages would have stored it:
/// a gate passage, a container scan with an image in the blob store, the seal's reports and a
/// transit finding, a risk assessment and an adjudication, with other lanes' traffic between them
/// (so the chain runs the package proves pass over rows it does not carry).
enum PackageFixture {
    static let number = "300000000077"
    static let container = "CSQU3054383"
    static let seal = "ES-0042"
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static let image = Array("\u{89}PNG\r\n\u{1a}\n a stand-in for the scanner's top view".utf8)
    static let declaration = """
        {"number": "\(number)", "ucr": "6VN0301234567-77", "type": "transit", "office": "02CI", "trader": {"tin": "0301234567"},
         "containers": ["\(container)"], "seals": ["\(seal)"], "channel": "yellow",
         "transit": {"origin": "02CI", "destination": "45BC", "bufferM": 500, "corridor": [[10.76, 106.79], [11.07, 106.19]], "start": "2026-11-25T00:00:00Z", "end": "2099-01-01T00:00:00Z"}}
        """

    struct Made {
        var storePath: String
        var imageSHA: String
        var eventIDs: [String: String]
    }

    static func make(in dir: TemporaryDirectory) async throws -> Made {
        let path = dir.path("hub.sqlite")
        let store = try SQLiteEventStore(path: path)
        let (imageSHA, made) = try await fill(store, blobs: try BlobStore(besideStore: path))
        await store.close()
        return Made(storePath: path, imageSHA: imageSHA, eventIDs: made)
    }

    /// The evidence written into `store` (of either kind), the image into `blobs`: the image's
    /// SHA-256, and each kind's event id.
    static func fill(_ store: any HubRecordStore, blobs: BlobStore) async throws -> (imageSHA: String, eventIDs: [String: String]) {
        let imageSHA = try blobs.put(Data(image))
        let d = try DeclarationDocument.parse(Data(declaration.utf8)).mapError { FixtureError(what: "\($0)") }.get()
        _ = try await store.save(d, at: t0)
        let ids = EventIDGenerator()
        var made: [String: String] = [:]
        var minute = 0.0
        func add(_ kind: String, device: String, family: String, subject: Subject, payload: EventPayload, frame: String, severity: Severity = .info) async throws {
            let at = t0.addingTimeInterval(minute * 60)
            minute += 1
            let bytes = Array(frame.utf8)
            let raw = RawRecord(
                sha256: ChainHash.hex(ChainHash.sha256(bytes)), format: family, deviceID: device, firstReceivedAt: at, receivedAt: at,
                frameCount: 1, bytes: bytes)
            let e = InspectionEvent(
                id: ids.next(at: at), kind: kind, device: DeviceRef(id: device, profile: family, family: family), site: "moc-bai",
                lane: "2", observedAt: at, receivedAt: at, subject: subject, payload: payload, severity: severity, raw: raw.ref)
            try await store.append(IngestBatch(records: [raw], events: [e]))
            made[kind] = e.id
        }
        func noise(_ n: Int) async throws {
            var s = Subject()
            s.plates = ["51C-\(10000 + n)"]
            try await add(
                "gps.fix", device: "other-truck", family: "nmea", subject: s,
                payload: EventPayload(kind: "gps.fix", json: ["lat": .double(10.8), "lon": .double(106.7)]), frame: "$GPRMC,noise,\(n)*00\r\n")
        }
        var box = Subject()
        box.containers = [container]
        try await noise(1)
        try await add(
            EventKind.passage, device: "gate", family: "gate", subject: box,
            payload: GatePassagePayload(
                passage: "P-77", revision: nil, startedAt: t0, endedAt: t0.addingTimeInterval(40), events: [], missing: nil, alarmed: false,
                ambiguous: nil
            ).payload, frame: "passage P-77")
        try await noise(2)
        var scan = ScanResultPayload(scanId: "SC-77", startedAt: t0.addingTimeInterval(120))
        scan.images = [.init(name: "top.png", sha256: imageSHA, format: .png)]
        scan.imagesStored = [imageSHA]
        try await add(EventKind.scanResult, device: "scanner", family: "scan", subject: box, payload: scan.payload, frame: "{\"scanId\": \"SC-77\"}")
        var sealed = Subject()
        sealed.seals = [seal]
        try await add(
            EventKind.sealStatus, device: "eseal", family: "eseal", subject: sealed,
            payload: SealStatusPayload(status: .locked, deviceEvent: "LOCK", lat: 10.8, lon: 106.71).payload,
            frame: "##S,eSeal,\(seal),1,LOCK##\r\n")
        try await noise(3)
        var about = Subject()
        about.declaration = number
        try await add(
            EventKind.transitSeal, device: "hub", family: "hub", subject: about,
            payload: TransitFindingPayload(finding: "seal-opened", detail: "Seal \(seal) reported opened 12 km before 45BC.").payload,
            frame: "transit finding", severity: .alarm)
        try await add(
            EventKind.riskAssessment, device: "hub", family: "hub", subject: about,
            payload: RiskAssessmentPayload(
                score: 40, channel: "red", declaredChannel: "yellow", declarationVersion: 1,
                signals: [.init(signal: "sealTamper", points: 40, detail: "seal opened on the way", evidence: [])], modifiers: [:],
                escalated: true
            ).payload, frame: "risk assessment")
        try await noise(4)
        try await store.addAdjudication(
            Adjudication(
                eventID: made[EventKind.transitSeal]!, outcome: .referred, note: "seal replaced at 45BC", isotopes: [],
                secondaryInspection: .requested, by: "officer-7", at: t0.addingTimeInterval(3600)))
        return (imageSHA, made)
    }

    struct FixtureError: Error { var what: String }
}
