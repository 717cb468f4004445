import Foundation
import HubServer
import HubStore
import Logging
import ServiceLifecycle

/// Partners' packages dropped into a folder (`partnerInbox:` in the site config), received as
/// `POST /api/v1/packages` receives them. A file is taken once complete (names starting with `.` or
/// ending in `.tmp` or `.part` are still being written: write, then rename into place); it then
/// moves to `processed/`, or to `quarantine/` with a `<name>.reason` note naming each broken file of
/// the package. Each receipt and each refusal is audited (`package.receive`, actor `inbox`). A store that cannot be
/// reached leaves the file where it is for the next look.
struct PartnerInboxService: Service {
    let folder: String
    let receive: @Sendable ([UInt8]) async throws -> ReceivedPackage
    let store: any HubRecordStore
    let logger: Logger
    /// How often the folder is looked at.
    var interval = Duration.seconds(1)

    func run() async throws {
        // Returning early would stop the whole hub (the group ends with any service): a folder that
        // cannot be made is logged, and looked at again each time.
        do {
            for sub in ["", "processed", "quarantine"] {
                try FileManager.default.createDirectory(atPath: (folder as NSString).appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        } catch {
            logger.error("cannot prepare the partner package inbox", metadata: ["folder": "\(folder)", "error": "\(error)"])
        }
        logger.info("watching the partner package inbox", metadata: ["folder": "\(folder)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await look()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Takes every complete file in the folder once.
    func look() async {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() where !name.hasPrefix(".") && !name.hasSuffix(".tmp") && !name.hasSuffix(".part") {
            let path = (folder as NSString).appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let size = ((try? fm.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
            guard size <= ReceivedPackage.maxBytes else {
                move(name, to: "quarantine", reason: "package: is larger than \(ReceivedPackage.maxBytes) bytes")
                continue
            }
            guard let data = fm.contents(atPath: path) else { continue }
            do {
                let r = try await receive(Array(data))
                try? await store.audit(
                    AuditEntry(
                        at: Date(), actor: "inbox", role: nil, action: "package.receive", target: r.declaration,
                        detail: "\(r.duplicate ? "again: " : "")from \(r.partner), sha256 \(r.sha256), event \(r.event), file \(name): \(r.summary)"))
                move(name, to: "processed", reason: nil)
            } catch PackageReceiveRefusal.refused(let problems) {
                let first = problems.first.map { "\($0.member): \($0.problem)" } ?? "it does not verify"
                try? await store.audit(
                    AuditEntry(
                        at: Date(), actor: "inbox", role: nil, action: "package.receive", target: "package",
                        detail: "refused, sha256 \(ChainHash.hex(ChainHash.sha256(Array(data)))), file \(name): \(first)"))
                move(name, to: "quarantine", reason: problems.map { "\($0.member): \($0.problem)" }.joined(separator: "\n"))
            } catch PackageReceiveRefusal.noPartners {
                move(name, to: "quarantine", reason: "package: this hub trusts no partner administration (partners: in the site config)")
            } catch {
                // Busy, or the store away: the file stays for the next look.
                logger.warning("partner package not taken yet", metadata: ["file": "\(name)", "error": "\(error)"])
            }
        }
    }

    private func move(_ name: String, to sub: String, reason: String?) {
        let fm = FileManager.default
        let from = (folder as NSString).appendingPathComponent(name)
        let to = ((folder as NSString).appendingPathComponent(sub) as NSString).appendingPathComponent(name)
        try? fm.removeItem(atPath: to)
        do {
            try fm.moveItem(atPath: from, toPath: to)
            if let reason { try Data((reason + "\n").utf8).write(to: URL(fileURLWithPath: to + ".reason")) }
        } catch {
            logger.error("cannot move a partner package", metadata: ["file": "\(from)", "to": "\(to)", "error": "\(error)"])
        }
        if sub == "quarantine" { logger.warning("partner package refused", metadata: ["file": "\(name)", "why": "\(reason ?? "")"]) }
    }
}
