import Foundation
import HubAppTesting
import HubPackage
import HubTesting
import SwiftASN1
import Testing
import X509

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `POST /api/v1/declarations/{number}/package` on a running hub: an analyst takes the package of a
/// declaration whose seal reported over TCP, and it verifies with only the CA certificate.
@Suite(.timeLimit(.minutes(2)))
struct PackageRouteTests {
    static let declaration = """
        {"number": "500000000009", "type": "transit", "office": "02CI", "trader": {"tin": "0301234567"},
         "seals": ["ES-0042"], "channel": "green",
         "transit": {"origin": "02CI", "destination": "45BC", "bufferM": 500,
                     "corridor": [[10.76, 106.79], [11.07, 106.19]],
                     "start": "2026-11-25T00:00:00Z", "end": "2099-01-01T00:00:00Z"}}
        """

    static func post(_ h: HubHarness, _ path: String, token: String) async throws -> (status: Int, body: [UInt8], type: String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(h.port)\(path)")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, Array(data), http?.value(forHTTPHeaderField: "Content-Type"))
    }

    @Test func anAnalystExportsASignedPackageThatVerifiesWithTheCAAlone() async throws {
        let keys = try TemporaryDirectory("package-route-keys")
        let ca = try await TestCA()
        let made = try KeyMaterial.generate(commonName: "Moc Bai border hub", organization: "Test Customs", country: "VN")
        try KeyMaterial.writePrivate(made.keyPEM, to: keys.path("hub.key"))
        try keys.write("hub.pem", try ca.issue(csrPEM: made.csrPEM).serializeAsPEM().pemString + "\n")
        let h = try await HubHarness(
            label: "package-route", devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}",
            siteExtra: "packages:\n  key: \(keys.path("hub.key"))\n  certificate: \(keys.path("hub.pem"))")
        #expect(try await h.post("/api/v1/declarations", Self.declaration).status == 201)
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let seal = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        try seal.send("##S,eSeal,ES-0042,1,LOCK,20261125100000,10.80000,106.71000,87,E##\r\n")
        #expect(await seal.receive(timeoutMs: 15_000)?.isEmpty == false, "acked")
        #expect(await eventually { (try? await h.events("kind=seal.status").count) == 1 })

        let analyst = try await h.token("analyst")
        let r = try await Self.post(h, "/api/v1/declarations/500000000009/package", token: analyst)
        #expect(r.status == 200 && r.type == "application/x-tar")
        let v = await PackageVerifier(trust: [ca.certificate], now: Date()).verify(r.body)
        #expect(v.problems == [])
        #expect(v.manifest?.issuer.site == "e2e-gate" && v.manifest?.subject.declaration == "500000000009")
        let text = PackageSummary.sentences(v).joined(separator: "\n")
        #expect(text.contains("Seal ES-0042 reported locked at 10.80000, 106.71000"), "\(text)")

        // The role is the analyst's; an unknown declaration is a 404; each export is audited.
        let op = try await h.token("operator")
        #expect(try await Self.post(h, "/api/v1/declarations/500000000009/package", token: op).status == 403)
        #expect(try await Self.post(h, "/api/v1/declarations/999/package", token: analyst).status == 404)
        let audit = try await h.get("/api/v1/audit?action=package.export")
        let entries = try #require(audit.json["entries"] as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["target"] as? String == "500000000009")
        #expect((entries.first?["detail"] as? String)?.contains("signed by CN=Moc Bai border hub") == true)
        try await h.stop()
    }

    @Test func aHubWithoutASigningKeyAnswers409AndABadKeyFileNamesItsLine() async throws {
        let h = try await HubHarness(label: "package-route-none", devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}")
        #expect(try await h.post("/api/v1/declarations", Self.declaration).status == 201)
        let r = try await Self.post(h, "/api/v1/declarations/500000000009/package", token: try await h.token("analyst"))
        #expect(r.status == 409)
        #expect(String(decoding: r.body, as: UTF8.self).contains("no packages: section in the site config"))
        try await h.stop()

        let dir = try TemporaryDirectory("package-config")
        try dir.write("hub.pem", "not a certificate\n")
        try dir.write("hub.key", "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n")
        await #expect {
            _ = try await HubHarness(
                label: "package-route-bad", devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}",
                siteExtra: "packages:\n  key: \(dir.path("hub.key"))\n  certificate: \(dir.path("hub.pem"))")
        } throws: { error in
            let text = "\(error)"
            return text.contains("site.yaml:") && text.contains("packages.certificate") && text.contains("holds no PEM certificate")
        }
    }
}
