import Foundation
import HubIngest
import HubModel
import HubPackage
import HubServer
import HubSite
import HubStore
import Logging
import Synchronization

/// Partners' packages being received now, by SHA-256: the same bytes posted twice at once are
/// filed once (the second is told to send again, and then finds the first).
final class PackageReceipts: Sendable {
    private let inFlight = Mutex<Set<String>>([])
    func claim(_ sha: String) -> Bool { inFlight.withLock { $0.insert(sha).inserted } }
    func release(_ sha: String) { _ = inFlight.withLock { $0.remove(sha) } }
}

extension HubApplication {
    /// The device id `package.received` events are kept under.
    static let partnerPackagesDevice = "partner-packages"

    /// Receives a partner's package: verifies it against the CAs `partners:` names (read from the
    /// files at each receipt, so a renewed partner CA applies at once), keeps the bytes as received
    /// in the blob store, files a `package.received` event through the ingest sink, so the declaration
    /// links and the risk stage see it like any device's event, and records the package's row
    /// (`ReceivedPackageStore`), by which receiving the same bytes again finds it.
    var receivePackage: @Sendable ([UInt8]) async throws -> ReceivedPackage {
        { [store, sink, blobs, configState, ids, packageReceipts, logger] bytes in
            let config = configState.current
            guard !config.partners.isEmpty else { throw PackageReceiveRefusal.noPartners }
            let sha = ChainHash.hex(ChainHash.sha256(bytes))
            guard packageReceipts.claim(sha) else { throw PackageReceiveRefusal.busy }
            defer { packageReceipts.release(sha) }
            if let earlier = try await store.receivedPackage(sha256: sha) {
                return ReceivedPackage(
                    partner: earlier.partner, country: earlier.country,
                    declaration: earlier.partnerDeclaration, sha256: sha, event: earlier.eventID, duplicate: true, cleared: earlier.cleared,
                    summary: earlier.summary, sentences: [])
            }
            var partners: [TrustedPartner] = []
            for p in config.partners {
                do {
                    let anchors = try SignerIdentity.certificates(try String(contentsOfFile: p.caPath, encoding: .utf8))
                    partners.append(TrustedPartner(name: p.name, country: p.country, anchors: anchors))
                } catch {
                    logger.error("partner CA unusable; its packages are refused", metadata: ["partner": "\(p.name)", "file": "\(p.caPath)", "error": "\(error)"])
                }
            }
            let now = Date()
            let checked: PartnerPackage
            switch await PartnerPackageCheck.check(bytes, partners: partners, now: now) {
            case .failure(let refused): throw PackageReceiveRefusal.refused(refused.problems.map { (member: $0.member, problem: $0.problem) })
            case .success(let p): checked = p
            }
            _ = try blobs.put(Data(bytes))
            let event = InspectionEvent(
                id: ids.next(at: now), kind: EventKind.packageReceived,
                device: DeviceRef(id: Self.partnerPackagesDevice, profile: "partner-package", family: "package"), site: config.site, lane: nil,
                observedAt: now, receivedAt: now, subject: checked.subject, payload: checked.payload.payload, severity: .info,
                raw: HubAuthored.unrecorded)
            let statement = "package.received \(sha) from \(checked.payload.partner)\n"
            let batch = HubAuthored.batch(event, statement: statement, format: "niihub-package-receipt", deviceID: Self.partnerPackagesDevice, at: now)
            try await SinkBackedEventStore(sink).append(batch)
            let p = checked.payload
            // The row after the event: a crash between the two files the package again on its next receipt.
            _ = try await store.recordReceivedPackage(
                ReceivedPackageRow(
                    sha256: sha, partner: p.partner, country: p.country, partnerDeclaration: p.partnerDeclaration, ucr: checked.subject.ucr,
                    containers: checked.subject.containers ?? [], seals: checked.subject.seals ?? [], cleared: p.cleared, summary: p.summary,
                    eventID: event.id, bytes: bytes.count, receivedAt: now))
            return ReceivedPackage(
                partner: p.partner, country: p.country, declaration: p.partnerDeclaration, sha256: sha, event: event.id, duplicate: false,
                cleared: p.cleared, summary: p.summary, sentences: checked.sentences)
        }
    }
}
