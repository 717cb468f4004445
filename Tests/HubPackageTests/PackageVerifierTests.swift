import Foundation
import HubAppTesting
import HubModel
import HubPackage
import HubStore
import HubTesting
import SwiftASN1
import Testing
import X509

/// What a hash over the member cannot catch: a package re-signed by a holder of the key after its
/// evidence was changed. The chain proofs must still name the record, or the run, that was changed.
@Suite(.timeLimit(.minutes(2)))
struct PackageVerifierTests {
    struct Issued {
        var ca: TestCA
        var signer: SignerIdentity
        var package: [UInt8]
        var made: PackageFixture.Made
    }

    static func issued(_ dir: TemporaryDirectory) async throws -> Issued {
        let made = try await PackageFixture.make(in: dir)
        let ca = try await TestCA()
        let keys = try KeyMaterial.generate(commonName: "Moc Bai border hub", organization: "Test Customs", country: "VN")
        let cert = try ca.issue(csrPEM: keys.csrPEM)
        let signer = try SignerIdentity(keyPEM: keys.keyPEM, chainPEM: try cert.serializeAsPEM().pemString)
        let store = try SQLiteEventStore(path: made.storePath)
        let exported = try await PackageExporter().export(
            declaration: PackageFixture.number, store: store, blobs: try BlobStore(besideStore: made.storePath), site: "moc-bai", signer: signer,
            now: Date())
        await store.close()
        return Issued(ca: ca, signer: signer, package: exported.bytes, made: made)
    }

    /// The package with `change` applied to its files, its manifest's hashes brought in line and signed again.
    static func resigned(_ issued: Issued, _ change: (inout [String: [UInt8]], inout PackageManifest) throws -> Void) throws -> [UInt8] {
        let tar = try TarReader(issued.package)
        var files: [String: [UInt8]] = [:]
        for m in tar.members { files[m.name] = Array(tar.content(m.name)!) }
        var manifest = try ManifestReader.read(files["manifest.json"]!).get()
        try change(&files, &manifest)
        for i in manifest.members.indices {
            let bytes = files[manifest.members[i].path]!
            manifest.members[i].sha256 = ChainHash.hex(ChainHash.sha256(bytes))
            manifest.members[i].size = bytes.count
        }
        let manifestBytes = try manifest.encoded()
        var w = TarWriter(mtime: 0)
        try w.add("manifest.json", manifestBytes)
        try w.add("manifest.sig", Array(try ManifestSignature.sign(manifestBytes, key: issued.signer.key).text.utf8))
        for m in tar.members where !["manifest.json", "manifest.sig"].contains(m.name) { try w.add(m.name, files[m.name]!) }
        return w.finished()
    }

    func verify(_ issued: Issued, _ bytes: [UInt8]) async -> PackageVerification {
        await PackageVerifier(trust: [issued.ca.certificate], now: Date()).verify(bytes)
    }

    @Test func anUntouchedPackageVerifiesAndItsAdjudicationIsTold() async throws {
        let dir = try TemporaryDirectory("verifier")
        let issued = try await Self.issued(dir)
        let v = await verify(issued, issued.package)
        #expect(v.problems == [])
        let text = PackageSummary.sentences(v).joined(separator: "\n")
        #expect(text.contains("Seal ES-0042 reported locked"))
        #expect(text.contains("Adjudication of the transit.seal event by officer-7"), "\(text)")
        #expect(text.contains("referred, secondary inspection requested: seal replaced at 45BC."))
    }

    @Test func anEventBodyChangedAndResignedIsNamedByItsChainLink() async throws {
        let dir = try TemporaryDirectory("verifier-body")
        let issued = try await Self.issued(dir)
        let path = "events/\(issued.made.eventIDs[EventKind.riskAssessment]!).json"
        let bytes = try Self.resigned(issued) { files, _ in
            files[path] = Array(String(decoding: files[path]!, as: UTF8.self).replacingOccurrences(of: "\"red\"", with: "\"green\"").utf8)
        }
        let v = await verify(issued, bytes)
        #expect(v.problems.map(\.member) == [path])
        #expect(v.problems.first?.problem.contains("commits to other content") == true)
    }

    @Test func aChainLinkChangedAndResignedIsNamedInItsSegment() async throws {
        let dir = try TemporaryDirectory("verifier-link")
        let issued = try await Self.issued(dir)
        let bytes = try Self.resigned(issued) { files, _ in
            var segment = try ChainSegmentCodec.decode(files["chain/events.bin"]![...]).get()
            // The other truck's fix between the declaration's events (seq 3): its device changed.
            guard case .row(var row) = segment.entries[1] else { return }
            let i = row.canonical.firstIndex(of: UInt8(ascii: "o"))!  // in "other-truck"
            row.canonical[i] = UInt8(ascii: "0")
            segment.entries[1] = .row(row)
            files["chain/events.bin"] = ChainSegmentCodec.encode(segment)
        }
        let v = await verify(issued, bytes)
        #expect(v.problems == [PackageProblem("chain/events.bin", "the link at seq 3 does not follow the one before it")])
    }

    @Test func aForeignMemberAManifestFieldAndAMissingProofAreEachRefused() async throws {
        let dir = try TemporaryDirectory("verifier-extra")
        let issued = try await Self.issued(dir)
        // A file slipped in beside the listed ones.
        let tar = try TarReader(issued.package)
        var w = TarWriter(mtime: 0)
        for m in tar.members { try w.add(m.name, Array(tar.content(m.name)!)) }
        try w.add("extra.txt", Array("hello".utf8))
        #expect(await verify(issued, w.finished()).problems == [PackageProblem("extra.txt", "is in the package but not in the manifest")])

        // An event that claims no place in the chain.
        let path = "events/\(issued.made.eventIDs[EventKind.passage]!).json"
        let unproven = try Self.resigned(issued) { _, manifest in
            let i = manifest.members.firstIndex { $0.path == path }!
            manifest.members[i].chain = nil
        }
        #expect(await verify(issued, unproven).problems == [PackageProblem(path, "has no place in a chain run of the manifest")])

        // A manifest field this version does not know.
        var manifestText = String(decoding: tar.content("manifest.json")!, as: UTF8.self)
        manifestText = manifestText.replacingOccurrences(of: "\"created\"", with: "\"extra\" : 1,\n  \"created\"")
        var w2 = TarWriter(mtime: 0)
        try w2.add("manifest.json", Array(manifestText.utf8))
        try w2.add("manifest.sig", Array(try ManifestSignature.sign(Array(manifestText.utf8), key: issued.signer.key).text.utf8))
        for m in tar.members where !["manifest.json", "manifest.sig"].contains(m.name) { try w2.add(m.name, Array(tar.content(m.name)!)) }
        #expect(await verify(issued, w2.finished()).problems == [PackageProblem("manifest.json", "has an unknown field extra")])
    }
}
