import Crypto
import Foundation
import SwiftASN1
import X509

/// The administration's signing key and the certificate chain that names it (leaf first).
/// Not Sendable: swift-crypto's private key is not, on Linux; it stays with the command that loaded it.
public struct SignerIdentity {
    public var key: P256.Signing.PrivateKey
    public var chain: [Certificate]

    /// Reads a PEM P-256 key (PKCS#8 or SEC1) and a PEM chain whose first certificate holds its public key.
    public init(keyPEM: String, chainPEM: String) throws(PackageKeyError) {
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        } catch {
            throw PackageKeyError("the key is not a PEM P-256 private key (\(error))")
        }
        chain = try Self.certificates(chainPEM)
        guard let leaf = chain.first, let leafKey = P256.Signing.PublicKey(leaf.publicKey),
            leafKey.rawRepresentation == key.publicKey.rawRepresentation
        else { throw PackageKeyError("the first certificate of the chain is not the key's certificate") }
    }

    /// The chain as PEM, leaf first, as `certificates.pem` holds it.
    public var chainPEM: String {
        get throws { try chain.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n" }
    }

    /// At most this many certificates in a chain, and this many bytes of PEM.
    public static let maxCertificates = 8
    public static let maxPEMBytes = 64 << 10

    /// The certificates of a PEM text, in order; refuses anything but CERTIFICATE blocks.
    public static func certificates(_ pem: String) throws(PackageKeyError) -> [Certificate] {
        guard pem.utf8.count <= maxPEMBytes else { throw PackageKeyError("the certificate chain is larger than \(maxPEMBytes) bytes") }
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw PackageKeyError("the certificate chain is not PEM (\(error))")
        }
        guard !documents.isEmpty, documents.count <= maxCertificates else {
            throw PackageKeyError("the certificate chain must hold 1 to \(maxCertificates) certificates")
        }
        var out: [Certificate] = []
        for (i, d) in documents.enumerated() {
            guard d.discriminator == "CERTIFICATE" else { throw PackageKeyError("PEM block \(i + 1) is a \(d.discriminator), not a CERTIFICATE") }
            do {
                out.append(try Certificate(pemDocument: d))
            } catch {
                throw PackageKeyError("certificate \(i + 1) cannot be read (\(error))")
            }
        }
        return out
    }
}

/// A key or certificate that cannot be used, in words.
public struct PackageKeyError: Error, Equatable, CustomStringConvertible {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}
