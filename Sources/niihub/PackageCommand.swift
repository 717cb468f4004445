import ArgumentParser
import Foundation
import HubDevices
import HubDrivers
import HubModel
import HubPackage
import HubSite
import HubStore
import HubStorePostgres
import Logging
import X509

/// `niihub package`: signed inspection-result packages for partner administrations.
struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Export, verify and sign inspection-result packages exchanged between administrations.",
        subcommands: [PackageExport.self, PackageVerify.self, PackageKeygen.self])
}

/// `niihub package export`: one declaration's evidence, signed, in one file.
struct PackageExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a signed package of everything the hub knows about a declaration.",
        discussion: """
            The package (a POSIX tar) holds manifest.json, manifest.sig (ECDSA P-256 over the manifest), \
            certificates.pem (the signer's chain, leaf first), the declaration, each linked event's exact \
            stored body, the raw device bytes, scanner images, N42.42 documents for occupancies, \
            adjudications, and the runs of the hub's hash chains that prove every record. The export is \
            written to the store's audit log. Exit status: 0 written, 1 nothing to export or a store \
            problem, 66 no store, 78 a bad key, certificate or configuration.
            """)

    @Option(name: .long, help: "The declaration number.")
    var declaration: String

    @Option(name: .long, help: "The administration's P-256 signing key (PEM).")
    var key: String

    @Option(name: .long, help: "The signing certificate and its intermediates (PEM, leaf first).")
    var cert: String

    @Option(name: .long, help: "The package file to write.")
    var out: String

    @Option(name: .long, help: "The SQLite store file (else the config's store).")
    var store: String?

    @Option(name: .long, help: "Site configuration whose store and site to use (when --store is not given).")
    var config: String = "niihub.yaml"

    @Option(name: .long, help: "Folder of device profiles (for --config).")
    var profiles: String?

    @Option(name: .long, help: "The issuing site's name (default: the config's site, else the store file's name).")
    var site: String?

    func run() async throws {
        let signer: SignerIdentity
        do {
            signer = try SignerIdentity(keyPEM: try String(contentsOfFile: key, encoding: .utf8), chainPEM: try String(contentsOfFile: cert, encoding: .utf8))
        } catch let e as PackageKeyError {
            warn("niihub: \(key), \(cert): \(e)")
            throw ExitCode(78)
        } catch {
            warn("niihub: cannot read \(key) or \(cert): \(error.localizedDescription)")
            throw ExitCode(78)
        }
        let (settings, blobsPath, siteName) = try where_()
        if case .sqlite(let path) = settings, !FileManager.default.fileExists(atPath: path) {
            warn("niihub: no store at \(path)")
            throw ExitCode(66)
        }
        let opened = try await StoreOpener.open(settings, logger: Logger(label: "niihub.package"))
        guard let evidence = opened as? any (HubRecordStore & ChainEvidenceStore) else {
            await opened.close()
            warn("niihub: package export cannot read the hash chain of \(opened.location)")
            throw ExitCode(1)
        }
        let now = Date()
        let exported: ExportedPackage
        do {
            exported = try await PackageExporter().export(
                declaration: declaration, store: evidence, blobs: try? BlobStore(besideStore: blobsPath), site: siteName, signer: signer, now: now)
            try Data(exported.bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            await opened.close()
            warn("niihub: package for declaration \(declaration) not written: \(error)")
            throw ExitCode(1)
        }
        let m = exported.manifest
        let sha = ChainHash.hex(ChainHash.sha256(exported.bytes))
        try await opened.audit(
            AuditEntry(
                at: now, actor: "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown"), role: nil, action: "package.export",
                target: declaration,
                detail: "\(m.members.count) members, \(exported.bytes.count) bytes, sha256 \(sha), signed by \(m.issuer.signer ?? "?"), to \(out)"))
        await opened.close()
        print("wrote \(out): declaration \(declaration), \(m.members.count) members, \(exported.bytes.count) bytes, sha256 \(sha)")
    }

    private func where_() throws -> (StoreSettings, String, String) {
        if let store {
            return (.sqlite(path: store), store, site ?? ((store as NSString).lastPathComponent as NSString).deletingPathExtension)
        }
        do {
            let c = try SiteConfig.load(path: config, profilesDir: profiles, knownProtocols: DriverCatalog.protocols)
            return (c.store, c.storePath, site ?? c.site)
        } catch let e as ConfigError {
            warn("niihub: \(e)")
            throw ExitCode(78)
        }
    }
}

/// `niihub package verify`: offline, with only the trust anchors.
struct PackageVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a package offline against trusted CA certificates and say what it holds.",
        discussion: """
            Checks the certificate chain to a --trust anchor and its validity now, the signature over \
            manifest.json, every member's SHA-256, and every record's link in the issuing hub's hash chain \
            up to the signed chain heads. Each broken file is named. Exit status: 0 verified, 1 broken, \
            66 unreadable file, 78 unusable trust anchors.
            """)

    @Argument(help: "The package file.")
    var file: String

    @Option(name: .long, help: "Trusted CA certificates (PEM); repeat for several.")
    var trust: [String]

    @Option(name: .long, help: "Check the certificates' validity at this RFC 3339 time rather than now (an archived package).")
    var at: String?

    func run() async throws {
        var anchors: [Certificate] = []
        for t in trust {
            do {
                anchors += try SignerIdentity.certificates(try String(contentsOfFile: t, encoding: .utf8))
            } catch {
                warn("niihub: \(t): \(error)")
                throw ExitCode(78)
            }
        }
        guard !anchors.isEmpty else {
            warn("niihub: give at least one --trust CA certificate")
            throw ExitCode(78)
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue
        guard let size else {
            warn("niihub: \(file): cannot read")
            throw ExitCode(66)
        }
        guard size <= PackageVerifier.maxPackageBytes, let data = FileManager.default.contents(atPath: file) else {
            warn("niihub: \(file): larger than \(PackageVerifier.maxPackageBytes) bytes, or unreadable")
            throw ExitCode(66)
        }
        var when = Date()
        if let at {
            guard let t = Timestamp.parse(at) else {
                warn("niihub: --at \(at): expected an RFC 3339 time such as 2026-12-06T10:00:00Z")
                throw ExitCode(64)
            }
            when = t
        }
        let result = await PackageVerifier(trust: anchors, now: when).verify(Array(data))
        for line in PackageSummary.sentences(result) { print(line) }
        guard result.intact else {
            for p in result.problems { print("BROKEN \(p)") }
            print("NOT VERIFIED: \(result.problems.count) problem(s)")
            throw ExitCode(1)
        }
        print("verified")
    }
}

/// `niihub package keygen`: a new key (mode 0600) and its certificate signing request.
struct PackageKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a P-256 signing key (mode 0600) and a certificate signing request for the administration's CA.",
        discussion: "Refuses to overwrite an existing key. Exit status: 0 written, 1 not written.")

    @Option(name: .long, help: "Where to write the private key (PEM, PKCS#8).")
    var key: String

    @Option(name: .long, help: "Where to write the certificate signing request (PEM).")
    var csr: String

    @Option(name: .long, help: "The certificate's common name (e.g. the hub or office).")
    var commonName: String

    @Option(name: .long, help: "The administration (organization name).")
    var organization: String?

    @Option(name: .long, help: "Two-letter country code.")
    var country: String?

    func run() throws {
        do {
            let made = try KeyMaterial.generate(commonName: commonName, organization: organization, country: country)
            try KeyMaterial.writePrivate(made.keyPEM, to: key)
            try Data(made.csrPEM.utf8).write(to: URL(fileURLWithPath: csr))
            print("wrote \(key) (mode 0600) and \(csr)")
        } catch {
            warn("niihub: \(error)")
            throw ExitCode(1)
        }
    }
}
