import Foundation
import HubAppTesting
import HubModel
import HubPackage
import HubStore
import HubStorePostgres
import HubTesting
import Logging
import SwiftASN1
import Testing
import X509

/// A package exported from either store: the same evidence written into a SQLite file and into a
/// PostgreSQL database (a site of replicas keeps its events there) exports to a package that
/// verifies against the CA alone, with the same files, events and chain runs.
@Suite(.timeLimit(.minutes(2)))
struct PackageStoreKindTests {
    /// The package of the fixture's declaration written into a new store of `kind`, and what the verifier said of it.
    static func exported(_ kind: StoreKind, ca: TestCA, signer: SignerIdentity) async throws -> PackageVerification {
        let dir = try TemporaryDirectory("package-\(kind)")
        let blobs = try BlobStore(root: dir.path("blobs"))
        let store: any HubRecordStore
        switch kind {
        case .sqlite: store = try SQLiteEventStore(path: dir.path("hub.sqlite"))
        case .postgres:
            #if PostgreSQL
            var logger = Logger(label: "package-pg")
            logger.logLevel = .warning
            store = try await PostgresEventStore.open(try await PostgresTestServer.scratch(), logger: logger)
            #else
            throw PostgresTestServer.Unavailable(why: "built without the PostgreSQL trait")
            #endif
        }
        _ = try await PackageFixture.fill(store, blobs: blobs)
        guard let evidence = store as? any (HubRecordStore & ChainEvidenceStore) else {
            throw PackageFixture.FixtureError(what: "the \(kind) store gives no chain evidence")
        }
        let made = try await PackageExporter().export(
            declaration: PackageFixture.number, store: evidence, blobs: blobs, site: "moc-bai", signer: signer, now: Date())
        await store.close()
        return await PackageVerifier(trust: [ca.certificate], now: Date()).verify(made.bytes)
    }

    @Test(arguments: StoreKind.testable)
    func theDeclarationsPackageVerifiesFromEitherStore(kind: StoreKind) async throws {
        let ca = try await TestCA()
        let keys = try KeyMaterial.generate(commonName: "Moc Bai border hub", organization: "Test Customs", country: "VN")
        let signer = try SignerIdentity(keyPEM: keys.keyPEM, chainPEM: try ca.issue(csrPEM: keys.csrPEM).serializeAsPEM().pemString)
        let v = try await Self.exported(kind, ca: ca, signer: signer)
        #expect(v.intact, "\(v.problems)")
        // The passage, the scan, the seal's report, the transit finding and the risk assessment; not the other truck's fixes.
        #expect(Set(v.events.map(\.kind)) == [
            EventKind.passage, EventKind.scanResult, EventKind.sealStatus, EventKind.transitSeal, EventKind.riskAssessment,
        ])
        let manifest = try #require(v.manifest)
        #expect(manifest.subject.declaration == PackageFixture.number)
        // Both chains proved over the runs that hold the records, the other truck's rows between them included.
        #expect(Set(manifest.chains.map(\.table)) == [ChainedTable.raw.rawValue, ChainedTable.events.rawValue])
        #expect(manifest.members.contains { $0.kind == .image })
    }
}
