import Crypto
import Foundation
import HubModel
import HubPackage
import HubStore
import HubTesting
import SwiftASN1
import X509

/// A fixture that did not build (a declaration that did not parse).
public struct PartnerFixtureError: Error { public var what: String }

/// A partner administration's hub: its own CA and signing key, and its own SQLite store holding its
/// side of a shipment (its declaration with the shared UCR and container, a gate passage without an
/// alarm and a clear scan), from which it exports a package with part 1's exporter.
public struct PartnerHub {
    public static let number = "300000000088"
    public static let ucr = "6VN0301234567-88"
    public static let container = "CSQU3054383"
    public static let declaration = """
        {"number": "\(number)", "ucr": "\(ucr)", "type": "export", "office": "KH01", "trader": {"tin": "0301234567"},
         "containers": ["\(container)"], "channel": "green"}
        """

    public let ca: TestCA
    public let site: String
    public let dir: TemporaryDirectory
    public let storePath: String

    /// The partner's store with its evidence; `alarm` makes its scan an alarm (not cleared).
    public init(site: String = "bavet", caName: String = "Cambodia Customs Root CA", alarm: Bool = false) async throws {
        ca = try await TestCA(caName)
        self.site = site
        dir = try TemporaryDirectory("partner-\(site)")
        storePath = dir.path("partner.sqlite")
        let store = try SQLiteEventStore(path: storePath)
        let t0 = Date().addingTimeInterval(-7200)
        let d = try DeclarationDocument.parse(Data(Self.declaration.utf8)).mapError { PartnerFixtureError(what: "\($0)") }.get()
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
    public func signer(commonName: String = "Bavet border hub") throws -> SignerIdentity {
        let made = try KeyMaterial.generate(commonName: commonName, organization: "Cambodia Customs", country: "KH")
        let cert = try ca.issue(csrPEM: made.csrPEM)
        return try SignerIdentity(keyPEM: made.keyPEM, chainPEM: try cert.serializeAsPEM().pemString + "\n")
    }

    /// The package of the partner's declaration, signed by `signer`.
    public func export(signer: SignerIdentity) async throws -> [UInt8] {
        let store = try SQLiteEventStore(path: storePath)
        let made = try await PackageExporter().export(declaration: Self.number, store: store, blobs: nil, site: site, signer: signer, now: Date())
        await store.close()
        return made.bytes
    }

    /// The CA certificate written to a file, for a site's `partners:`.
    public func caFile(in dir: TemporaryDirectory, _ name: String) throws -> String { try dir.write(name, try ca.pem) }
}

/// A throwaway certificate authority and the certificates it issues.
public struct TestCA {
    public let key = P256.Signing.PrivateKey()
    public let certificate: Certificate
    public let name: DistinguishedName

    public init(_ commonName: String = "Test Customs Root CA", notAfter: Date = Date().addingTimeInterval(86_400 * 365)) async throws {
        name = try DistinguishedName {
            CountryName("VN")
            OrganizationName("Test Customs")
            CommonName(commonName)
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true))
        }
        certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: Date().addingTimeInterval(-3600),
            notValidAfter: notAfter, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: .init(key))
    }

    public var pem: String { get throws { try certificate.serializeAsPEM().pemString + "\n" } }

    /// The certificate for a CSR's key and subject, valid from `notBefore` to `notAfter`.
    public func issue(csrPEM: String, notBefore: Date = Date().addingTimeInterval(-3600), notAfter: Date = Date().addingTimeInterval(86_400 * 30)) throws -> Certificate {
        let csr = try CertificateSigningRequest(pemEncoded: csrPEM)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
        }
        return try Certificate(
            version: .v3, serialNumber: .init(), publicKey: csr.publicKey, notValidBefore: notBefore, notValidAfter: notAfter, issuer: name,
            subject: csr.subject, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: .init(key))
    }
}
