import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SwiftASN1
import X509

/// A new signing key and the certificate signing request a certificate authority turns into the
/// administration's certificate.
public enum KeyMaterial {
    /// A fresh P-256 key (PKCS#8 PEM) and a CSR for it naming `organization` and `commonName`.
    public static func generate(commonName: String, organization: String?, country: String?) throws -> (keyPEM: String, csrPEM: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            if let country { CountryName(country) }
            if let organization { OrganizationName(organization) }
            CommonName(commonName)
        }
        let csr = try CertificateSigningRequest(
            version: .v1, subject: name, privateKey: Certificate.PrivateKey(key), attributes: CertificateSigningRequest.Attributes(),
            signatureAlgorithm: .ecdsaWithSHA256)
        return (key.pemRepresentation, try csr.serializeAsPEM().pemString + "\n")
    }

    /// Writes `text` to a new file readable by its owner only (mode 0600); refuses to overwrite.
    public static func writePrivate(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw PackageKeyError("\(path): cannot create (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        // The mode asked of open() is masked by the umask; set it outright.
        guard fchmod(fd, 0o600) == 0 else { throw PackageKeyError("\(path): cannot set mode 0600") }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw PackageKeyError("\(path): cannot write (\(String(cString: strerror(errno))))") }
            written += n
        }
        guard fsync(fd) == 0 else { throw PackageKeyError("\(path): cannot sync") }
    }
}
