import ArgumentParser
import Foundation
import HubDevices
import HubDrivers
import HubModel
import HubSite
import HubStore
import HubStorePostgres
import Logging

/// `niihub verify`: walks the store's hash chains and says whether the evidence is intact.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the store's hash-chained raw archive and events; name the first broken record.",
        discussion: """
            Every raw record must follow the one before it in the chain and its bytes must still hash to \
            its sha256; every event must follow the one before it, its body must still hash to its \
            committed hash, and the raw record it names must be stored. Rows removed by retention are \
            bridged by the purge ledger's anchors. Exit status 0 when intact, 1 when anything is broken.
            """)

    @Option(name: .long, help: "The SQLite store file (else the config's store, SQLite or PostgreSQL).")
    var store: String?

    @Option(name: .long, help: "Site configuration whose store to check (when --store is not given).")
    var config: String = "niihub.yaml"

    @Option(name: .long, help: "Folder of device profiles (for --config).")
    var profiles: String?

    func run() async throws {
        let settings = try storeSettings()
        if case .sqlite(let path) = settings, !FileManager.default.fileExists(atPath: path) {
            FileHandle.standardError.write(Data("niihub: no store at \(path)\n".utf8))
            throw ExitCode(66)  // EX_NOINPUT
        }
        let store = try await StoreOpener.open(settings, logger: Logger(label: "niihub.verify"))
        let verified: StoreVerification
        do {
            verified = try await store.verify()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        let report = verified
        print("store: \(store.location)")
        for t in report.tables {
            let head = t.headSeq.map { "head seq \($0), chain \(t.headChain ?? "-")" } ?? "no head"
            print("\(t.table.rowName)s: \(t.rows) stored, \(t.purgedRows) purged, \(t.bytes) bytes hashed; \(head)")
        }
        print("purge ledger: \(report.purges) retention batch(es)" + (report.lastPurgeAt.map { ", the last at \($0)" } ?? ""))
        let rows = report.tables.reduce(0) { $0 + $1.rows }
        let bytes = report.tables.reduce(Int64(0)) { $0 + $1.bytes }
        let seconds = max(report.seconds, 1e-6)
        print(
            "verified \(rows) rows "
                + String(
                    format: "(%.1f MB) in %.2f s: %.0f rows/s, %.1f MB/s", Double(bytes) / 1e6, report.seconds,
                    Double(rows) / seconds, Double(bytes) / 1e6 / seconds))
        guard !report.intact else {
            print("intact")
            return
        }
        for t in report.tables where t.breakCount > 0 {
            print("BROKEN: \(t.breakCount) problem(s) in the \(t.table.rowName)s; the first broken \(t.table.rowName):")
            for b in t.broken.prefix(5) { print("  \(b)") }
        }
        throw ExitCode(1)
    }

    private func storeSettings() throws -> StoreSettings {
        if let store { return .sqlite(path: store) }
        do {
            return try SiteConfig.load(path: config, profilesDir: profiles, knownProtocols: DriverCatalog.protocols).store
        } catch let e as ConfigError {
            FileHandle.standardError.write(Data("niihub: \(e)\n".utf8))
            throw ExitCode(78)
        }
    }
}
