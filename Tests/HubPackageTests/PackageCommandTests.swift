import Foundation
import HubAppTesting
import HubPackage
import HubStore
import HubTesting
import SwiftASN1
import Testing
import X509

/// `niihub package` as two administrations use it: the issuing one makes a key and a CSR, its CA
/// signs it, it exports a declaration's package; the receiving one, holding only the CA's
/// certificate, verifies it in a process of its own. Then every kind of file is damaged by one byte.
@Suite(.timeLimit(.minutes(3)))
struct PackageCommandTests {
    static func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try BuiltExecutable.run(BuiltExecutable.url("niihub"), args)
    }

    /// Key, CSR, certificate and an exported package in `dir`; returns the CA.
    static func exported(in dir: TemporaryDirectory) async throws -> (ca: TestCA, made: PackageFixture.Made) {
        let made = try await PackageFixture.make(in: dir)
        let keygen = try run([
            "package", "keygen", "--key", dir.path("hub.key"), "--csr", dir.path("hub.csr"), "--common-name", "Moc Bai border hub",
            "--organization", "Test Customs", "--country", "VN",
        ])
        #expect(keygen.status == 0, "\(keygen.err)")
        let mode = try FileManager.default.attributesOfItem(atPath: dir.path("hub.key"))[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600, "the key is its owner's alone")
        let ca = try await TestCA()
        let cert = try ca.issue(csrPEM: try String(contentsOfFile: dir.path("hub.csr"), encoding: .utf8))
        try dir.write("hub.pem", try cert.serializeAsPEM().pemString + "\n")
        try dir.write("ca.pem", try ca.pem)
        let export = try run([
            "package", "export", "--declaration", PackageFixture.number, "--key", dir.path("hub.key"), "--cert", dir.path("hub.pem"),
            "--out", dir.path("p.niipkg"), "--store", made.storePath, "--site", "moc-bai",
        ])
        #expect(export.status == 0, "\(export.err)")
        return (ca, made)
    }

    @Test func aPackageVerifiesWithOnlyTheCACertificateAndSaysWhatItHolds() async throws {
        let dir = try TemporaryDirectory("package")
        let (_, made) = try await Self.exported(in: dir)
        let r = try Self.run(["package", "verify", dir.path("p.niipkg"), "--trust", dir.path("ca.pem")])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.hasSuffix("verified\n"))
        #expect(r.out.contains("Declaration \(PackageFixture.number) (version 1, UCR 6VN0301234567-77)"))
        #expect(r.out.contains("signed by") && r.out.contains("Moc Bai border hub"))
        #expect(r.out.contains("It holds 5 events, 5 raw device records, 1 image, no N42.42 documents and the adjudications."))
        #expect(r.out.contains("Passage P-77 on lane 2"))
        #expect(r.out.contains("Scan SC-77 on lane 2") && r.out.contains("1 image."))
        #expect(r.out.contains("Seal \(PackageFixture.seal) reported locked at 10.80000, 106.71000"))
        #expect(r.out.contains("Transit finding (seal-opened)"))
        #expect(r.out.contains("Risk assessment") && r.out.contains("channel red (declared yellow), score 40, signals sealTamper (40 points)."))
        // The events run crosses the other truck's fixes between the declaration's events.
        #expect(r.out.contains("The events are proven by 7 links of the hub's chain, seq 2 to 8"))

        // A partner opens it with standard tools.
        let listing = try runTool(["tar", "-tf", dir.path("p.niipkg")])
        #expect(listing.status == 0)
        #expect(listing.output.hasPrefix("manifest.json\nmanifest.sig\ncertificates.pem\ndeclaration.json\n"))
        #expect(listing.output.contains("images/\(made.imageSHA).png"))

        // Its manifest matches the published schema, by an independent validator.
        let manifest = try #require(try TarReader(Array(Data(contentsOf: URL(fileURLWithPath: dir.path("p.niipkg"))))).content("manifest.json"))
        let manifestPath = dir.path("manifest.json")
        try Data(manifest).write(to: URL(fileURLWithPath: manifestPath))
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2])))]
            print("\\n".join(errors))
            sys.exit(1 if errors else 0)
            """
        let schema = try runTool(["python3", "-c", script, Corpus.repositoryFile("Schemas/inspection-package-v1.schema.json").path, manifestPath])
        #expect(schema.status == 0, "\(schema.output)")

        // Every export is in the audit log.
        let store = try SQLiteEventStore(path: made.storePath)
        let audit = try await store.auditEntries(action: "package.export", actor: nil, since: nil, until: nil, before: nil, limit: 10)
        await store.close()
        #expect(audit.count == 1)
        #expect(audit.first?.target == PackageFixture.number && audit.first?.detail?.contains("members") == true)
    }

    /// One byte changed in each kind of file: the verifier names the file and refuses the package.
    @Test func aChangedByteNamesTheFileThatBroke() async throws {
        let dir = try TemporaryDirectory("package-flip")
        let (_, made) = try await Self.exported(in: dir)
        let original = try Array(Data(contentsOf: URL(fileURLWithPath: dir.path("p.niipkg"))))
        let tar = try TarReader(original)
        let rawRecord = try #require(tar.members.first { $0.name.hasPrefix("raw/") }).name
        let event = "events/\(made.eventIDs["gate.passage"]!).json"
        let cases: [(member: String, expect: String)] = [
            (rawRecord, rawRecord), (event, event), ("images/\(made.imageSHA).png", "images/\(made.imageSHA).png"),
            ("chain/events.bin", "chain/events.bin"), ("declaration.json", "declaration.json"),
            ("manifest.json", "manifest.json"), ("manifest.sig", "manifest.sig"), ("certificates.pem", "certificates.pem"),
        ]
        for c in cases {
            let m = try #require(tar.members.first { $0.name == c.member }, "\(c.member) is in the package")
            var bytes = original
            // A byte in the middle; for the signature, one inside its base64 value.
            let at = c.member == "manifest.sig" ? m.offset + m.size - 20 : m.offset + m.size / 2
            bytes[at] = bytes[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let path = dir.path("flipped.niipkg")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let r = try Self.run(["package", "verify", path, "--trust", dir.path("ca.pem")])
            #expect(r.status == 1, "\(c.member): \(r.out)")
            let broken = r.out.split(separator: "\n").filter { $0.hasPrefix("BROKEN ") }
            #expect(broken.first?.hasPrefix("BROKEN \(c.expect): ") == true, "\(c.member) named: \(broken)")
            #expect(r.out.contains("NOT VERIFIED"))
        }
    }

    @Test func anotherAuthorityOrAnExpiredCertificateIsRefused() async throws {
        let dir = try TemporaryDirectory("package-trust")
        _ = try await Self.exported(in: dir)
        try dir.write("other.pem", try await TestCA("Someone Else's CA").pem)
        let r = try Self.run(["package", "verify", dir.path("p.niipkg"), "--trust", dir.path("other.pem")])
        #expect(r.status == 1)
        #expect(r.out.contains("BROKEN certificates.pem: the signing certificate does not chain to a trusted certificate authority"))

        // Checked at a time after the certificate's end, or before its start.
        for at in ["2099-01-01T00:00:00Z", "2020-01-01T00:00:00Z"] {
            let late = try Self.run(["package", "verify", dir.path("p.niipkg"), "--trust", dir.path("ca.pem"), "--at", at])
            #expect(late.status == 1)
            #expect(late.out.contains("BROKEN certificates.pem: the signing certificate is valid from"), "\(late.out)")
        }

        // A certificate already expired is not signed with.
        let ca = try await TestCA()
        let old = try ca.issue(
            csrPEM: try String(contentsOfFile: dir.path("hub.csr"), encoding: .utf8), notBefore: Date().addingTimeInterval(-86_400 * 60),
            notAfter: Date().addingTimeInterval(-86_400 * 30))
        try dir.write("old.pem", try old.serializeAsPEM().pemString + "\n")
        let export = try Self.run([
            "package", "export", "--declaration", PackageFixture.number, "--key", dir.path("hub.key"), "--cert", dir.path("old.pem"),
            "--out", dir.path("old.niipkg"), "--store", dir.path("hub.sqlite"), "--site", "moc-bai",
        ])
        #expect(export.status == 1)
        #expect(export.err.contains("the signing certificate is valid from"), "\(export.err)")
    }

    @Test func exportRefusesAKeyThatIsNotTheCertificatesAndAnUnknownDeclaration() async throws {
        let dir = try TemporaryDirectory("package-refuse")
        _ = try await Self.exported(in: dir)
        _ = try Self.run(["package", "keygen", "--key", dir.path("other.key"), "--csr", dir.path("other.csr"), "--common-name", "x"])
        let wrongKey = try Self.run([
            "package", "export", "--declaration", PackageFixture.number, "--key", dir.path("other.key"), "--cert", dir.path("hub.pem"),
            "--out", dir.path("x.niipkg"), "--store", dir.path("hub.sqlite"),
        ])
        #expect(wrongKey.status == 78)
        #expect(wrongKey.err.contains("the first certificate of the chain is not the key's certificate"))
        let unknown = try Self.run([
            "package", "export", "--declaration", "999", "--key", dir.path("hub.key"), "--cert", dir.path("hub.pem"),
            "--out", dir.path("x.niipkg"), "--store", dir.path("hub.sqlite"),
        ])
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("no declaration 999 is stored"))
        let again = try Self.run(["package", "keygen", "--key", dir.path("hub.key"), "--csr", dir.path("again.csr"), "--common-name", "x"])
        #expect(again.status == 1, "an existing key is never overwritten")
    }
}
