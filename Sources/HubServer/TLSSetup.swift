import HubDevices
import HubSite
import NIOSSL

/// The server side of TLS from the site config's `tls:` files.
package enum TLSSetup {
    /// A server configuration for `files`; the config error names the site file and the field when
    /// a file that looked like PEM does not load (a key that does not match, an unsupported key type).
    package static func configuration(_ files: TLSFiles, siteFile: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        } catch {
            throw ConfigError(
                file: siteFile, line: nil, column: nil, field: "tls.certificate",
                message: "\(files.certificatePath) does not load as a PEM certificate chain: \(error)")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        } catch {
            throw ConfigError(
                file: siteFile, line: nil, column: nil, field: "tls.key",
                message: "\(files.keyPath) does not load as a PEM private key: \(error)")
        }
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // TLS 1.0 and 1.1 are broken and retired (RFC 8996).
        config.minimumTLSVersion = .tlsv12
        do {
            // Built once here so a key that does not match its certificate stops the start, not the first client.
            _ = try NIOSSLContext(configuration: config)
        } catch {
            throw ConfigError(
                file: siteFile, line: nil, column: nil, field: "tls",
                message: "the certificate and key do not make a TLS server: \(error)")
        }
        return config
    }
}
