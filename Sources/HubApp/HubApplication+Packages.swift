import Foundation
import HubModel
import HubPackage
import HubServer
import HubSite
import HubStore

extension HubApplication {
    /// Signs a declaration's package with the key and certificate `packages:` names, read from
    /// the files at each export (and from the configuration in force), so a rotated key or a renewed
    /// certificate applies at once.
    var exportPackage: @Sendable (String) async throws -> SignedPackage {
        { [store, blobs, configState] number in
            let config = configState.current
            guard let files = config.packageSigning else {
                throw PackageRefusal.signing("no packages: section in the site config")
            }
            guard let evidence = store as? any (HubRecordStore & ChainEvidenceStore) else {
                throw PackageRefusal.signing("this hub's store cannot give the hash chain a package proves its records by")
            }
            guard try await store.declaration(number: number, version: nil) != nil else { throw PackageRefusal.noDeclaration(number) }
            let signer: SignerIdentity
            do {
                signer = try SignerIdentity(
                    keyPEM: try String(contentsOfFile: files.keyPath, encoding: .utf8),
                    chainPEM: try String(contentsOfFile: files.certificatePath, encoding: .utf8))
            } catch {
                throw PackageRefusal.signing("\(files.keyPath), \(files.certificatePath): \(error)")
            }
            let made: ExportedPackage
            do {
                made = try await PackageExporter().export(
                    declaration: number, store: evidence, blobs: blobs, site: config.site, signer: signer, now: Date())
            } catch let e as PackageExportError {
                throw PackageRefusal.signing(e.problem)
            }
            return SignedPackage(
                bytes: made.bytes, members: made.manifest.members.count, sha256: ChainHash.hex(ChainHash.sha256(made.bytes)),
                signer: made.manifest.issuer.signer ?? "?")
        }
    }
}
