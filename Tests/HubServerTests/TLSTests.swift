import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubSite
import HubDrivers
import HubServer
import HubTesting
import HummingbirdWSClient
import Logging
import NIOSSL
import Testing

/// The API and the live socket over HTTPS with a certificate made for the test (openssl), a client
/// that trusts it, and no plain HTTP on the same port.
@Suite(.timeLimit(.minutes(2)))
struct TLSTests {
    /// A self-signed certificate for 127.0.0.1 and its key, written into `dir`.
    static func makeCertificate(in dir: TemporaryDirectory) async throws {
        let r = try await runToolOffPool([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", dir.path("key.pem"), "-out", dir.path("cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        try #require(r.status == 0, "openssl: \(r.output)")
    }

    /// curl's HTTP status for `url` (000 when no HTTP answer came), trusting only `cert`.
    static func curl(_ url: String, cert: String, token: String) async throws -> (status: String, body: String) {
        let args = ["curl", "-s", "--max-time", "60", "--cacert", cert, "-H", "Authorization: Bearer \(token)",
                    "-w", "\n%{http_code}", url]
        let r = try await runToolOffPool(args)
        let lines = r.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
    }

    @Test func theAPIAndTheLiveSocketAnswerOverTLSOnly() async throws {
        let dir = try TemporaryDirectory("tls")
        try await Self.makeCertificate(in: dir)
        let h = try await HubHarness(reusing: dir, siteExtra: "tls: {certificate: cert.pem, key: key.pem}")
        let cert = dir.path("cert.pem")

        let whoami = try await Self.curl("https://127.0.0.1:\(h.port)/api/v1/whoami", cert: cert, token: h.adminToken)
        #expect(whoami.status == "200")
        #expect(whoami.body.contains(#""name":"admin""#), "\(whoami.body)")
        // Plain HTTP to the TLS port gets no HTTP answer.
        let plain = try await Self.curl("http://127.0.0.1:\(h.port)/api/v1/whoami", cert: cert, token: h.adminToken)
        #expect(plain.status == "000")

        // The live socket over TLS, for a client that trusts the certificate, and not for one that does not.
        var trusting = TLSConfiguration.makeClientConfiguration()
        trusting.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cert))
        let url = "wss://127.0.0.1:\(h.port)/api/v1/live?token=\(h.adminToken)"
        // TLS forbids an IP address as the server name indication; the certificate also names localhost.
        var named = WebSocketClientConfiguration()
        named.sniHostname = "localhost"
        // Returning from the handler closes the socket; the connect throws if the upgrade fails.
        try await WebSocketClient.connect(
            url: url, configuration: named, tlsConfiguration: trusting, logger: Logger(label: "wss")) { _, _, _ in }
        await #expect(throws: (any Error).self) {
            try await WebSocketClient.connect(
                url: url, configuration: named, tlsConfiguration: .makeClientConfiguration(), logger: Logger(label: "wss")) { _, _, _ in }
        }
        try await h.stop()
    }

    /// Over TLS: 1.2 at least, HSTS on every answer, and the session cookie marked Secure.
    @Test func oldTLSIsRefusedAndBrowsersAreToldToStayOnHTTPS() async throws {
        let dir = try TemporaryDirectory("tls-strict")
        try await Self.makeCertificate(in: dir)
        let h = try await HubHarness(reusing: dir, siteExtra: "tls: {certificate: cert.pem, key: key.pem}")
        var client = TLSConfiguration.makeClientConfiguration()
        client.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(dir.path("cert.pem")))
        var old = client
        old.minimumTLSVersion = .tlsv1
        old.maximumTLSVersion = .tlsv11
        await #expect(throws: (any Error).self, "a TLS 1.1 client was served") {
            _ = try await RawHTTP.send(port: h.port, "GET", "/healthz", tls: old, serverName: "localhost")
        }
        var twelve = client
        twelve.maximumTLSVersion = .tlsv12
        let health = try await RawHTTP.send(port: h.port, "GET", "/healthz", tls: twelve, serverName: "localhost")
        #expect(health.status == 200)
        #expect(health.header("Strict-Transport-Security") == "max-age=31536000")
        let refused = try await RawHTTP.send(port: h.port, "GET", "/api/v1/audit", tls: client, serverName: "localhost")
        #expect(refused.status == 401 && refused.header("Strict-Transport-Security") != nil, "refusals carry HSTS too")
        let admin = try AdminCredential.read(storePath: h.hub.config.storePath)
        let login = try await RawHTTP.send(
            port: h.port, "POST", "/api/v1/login", headers: [("Content-Type", "application/json")],
            body: #"{"user": "admin", "password": "\#(admin.password)"}"#, tls: client, serverName: "localhost")
        #expect(login.status == 200)
        let cookie = try #require(login.header("Set-Cookie"))
        #expect(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "\(cookie)")
        try await h.stop()
    }

    @Test func aFileThatIsNotPEMNamesItsField() async throws {
        let dir = try TemporaryDirectory("tls-bad")
        try await Self.makeCertificate(in: dir)
        _ = try dir.write("cert-broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n")
        let shipped = Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path
        for (tls, field, fragment) in [
            ("tls:\n  certificate: cert-broken.pem\n  key: key.pem", "tls.certificate", "not valid base64"),
            ("tls:\n  certificate: key.pem\n  key: key.pem", "tls.certificate", "no PEM certificate"),
            ("tls:\n  certificate: cert.pem\n  key: cert.pem", "tls.key", "no PEM private key"),
            ("tls:\n  certificate: cert.pem\n  key: missing.pem", "tls.key", "cannot read"),
        ] {
            let path = try dir.write("site.yaml", "site: s\nprofiles: \(shipped)\nstore: {sqlite: hub.sqlite}\n\(tls)\n")
            do {
                _ = try SiteConfig.load(path: path, knownProtocols: DriverCatalog.protocols)
                Issue.record("accepted \(tls)")
            } catch let e as ConfigError {
                #expect(e.field == field && e.line == (field == "tls.key" ? 6 : 5), "\(e)")
                #expect(e.message.contains(fragment), "\(e)")
            }
        }
    }
}
