import Crypto
import Foundation
import HubStore

/// `manifest.sig`: four lines of text.
///
///     niihub-package-signature/1
///     algorithm: ecdsa-p256-sha256
///     manifest-sha256: <hex SHA-256 of manifest.json>
///     signature: <base64 of the DER ECDSA signature over manifest.json>
///
/// The signature alone is what counts (`openssl dgst -sha256 -verify` checks it once base64-decoded);
/// the manifest's hash beside it is unsigned and only lets a verifier say which of the two files changed.
public struct ManifestSignature: Sendable, Equatable {
    public static let header = "niihub-package-signature/1"
    public static let algorithm = "ecdsa-p256-sha256"
    public static let maxBytes = 4096

    public var manifestSHA256: String
    public var der: [UInt8]

    public init(manifestSHA256: String, der: [UInt8]) {
        self.manifestSHA256 = manifestSHA256
        self.der = der
    }

    /// Signs `manifest` with `key`.
    public static func sign(_ manifest: [UInt8], key: P256.Signing.PrivateKey) throws -> ManifestSignature {
        let signature = try key.signature(for: manifest)
        return ManifestSignature(manifestSHA256: ChainHash.hex(ChainHash.sha256(manifest)), der: Array(signature.derRepresentation))
    }

    public var text: String {
        "\(Self.header)\nalgorithm: \(Self.algorithm)\nmanifest-sha256: \(manifestSHA256)\nsignature: \(Data(der).base64EncodedString())\n"
    }

    /// Reads the four lines exactly; nil with the reason otherwise.
    public static func read(_ bytes: some Collection<UInt8>) -> Result<ManifestSignature, SignatureProblem> {
        guard bytes.count <= maxBytes, let text = String(validating: Array(bytes), as: UTF8.self) else {
            return .failure(.init("is not a short text file"))
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5, lines[4].isEmpty, lines[0] == header else { return .failure(.init("is not a \(header) file")) }
        guard lines[1] == "algorithm: \(algorithm)" else { return .failure(.init("names an algorithm other than \(algorithm)")) }
        guard lines[2].hasPrefix("manifest-sha256: "), lines[3].hasPrefix("signature: ") else {
            return .failure(.init("lacks its manifest-sha256 or signature line"))
        }
        let sha = String(lines[2].dropFirst("manifest-sha256: ".count))
        guard let der = Data(base64Encoded: String(lines[3].dropFirst("signature: ".count))), !der.isEmpty else {
            return .failure(.init("holds a signature that is not base64"))
        }
        return .success(ManifestSignature(manifestSHA256: sha, der: Array(der)))
    }
}

/// Why a signature file was refused.
public struct SignatureProblem: Error, Equatable, CustomStringConvertible {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}
