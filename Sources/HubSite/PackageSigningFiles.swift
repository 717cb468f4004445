import Foundation
import HubDevices

/// The administration's signing key and certificate chain for signed inspection packages
/// (`packages:` in the site config): what `POST /api/v1/declarations/{number}/package` signs with.
/// Read again at each export, so a renewed certificate or a rotated key is used without a restart.
public struct PackageSigningFiles: Sendable, Equatable {
    /// The P-256 private key (PEM).
    public var keyPath: String
    /// The signing certificate, then its intermediates (PEM).
    public var certificatePath: String

    public init(keyPath: String, certificatePath: String) {
        self.keyPath = keyPath
        self.certificatePath = certificatePath
    }

    /// The first thing wrong with the files, as (field, message), so the error names the line.
    func problem() -> (field: String, message: String)? {
        if let m = TLSFiles.pemProblem(keyPath, label: "PRIVATE KEY", what: "signing key") { return ("key", m) }
        if let m = TLSFiles.pemProblem(certificatePath, label: "CERTIFICATE", what: "certificate") { return ("certificate", m) }
        return nil
    }
}

/// `packages:` as written.
struct RawPackageSigning: Decodable {
    var key: String
    var certificate: String
    enum CodingKeys: String, CodingKey, CaseIterable { case key, certificate }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key, where: { !$0.isEmpty }, expected: "a PEM file path")
        certificate = try c.decode(String.self, forKey: .certificate, where: { !$0.isEmpty }, expected: "a PEM file path")
    }
}
