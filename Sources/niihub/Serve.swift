import ArgumentParser
import Foundation
import HubApp
import HubDevices
import HubModel
import HubDrivers
import HubSite
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the hub: read the configured devices, store their events, serve the API.")

    @Option(name: .long, help: "Site configuration (YAML).")
    var config: String = "niihub.yaml"

    @Option(name: .long, help: "Folder of device profiles (default: the config's 'profiles:', else DeviceProfiles/ beside it).")
    var profiles: String?

    @Option(name: .long, help: "HTTP port, overriding the config's.")
    var httpPort: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        var logger = Logger(label: "niihub")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var site: SiteConfig
        do {
            site = try SiteConfig.load(path: config, profilesDir: profiles, knownProtocols: DriverCatalog.protocols)
        } catch let e as ConfigError {
            FileHandle.standardError.write(Data("niihub: \(e)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        if let httpPort { site.httpPort = httpPort }
        let hub = try await HubApplication(config: site, logger: logger, profilesDir: profiles)
        let running = hub.config
        if let path = hub.firstStartCredential {
            FileHandle.standardOutput.write(Data("First start: admin credential written to \(path) (mode 0600)\n".utf8))
        }
        try await hub.run { port in
            let host = running.httpHost == "0.0.0.0" ? "127.0.0.1" : running.httpHost
            // Written straight to the descriptor so that a pipe (make demo, tests) sees it at once.
            let line = "NII Hub serving site \(running.site) at http://\(host):\(port)/  (store: \(running.store.description))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Check a site configuration and the profiles it uses, then exit.")

    @Option(name: .long, help: "Site configuration (YAML).")
    var config: String = "niihub.yaml"

    @Option(name: .long, help: "Folder of device profiles.")
    var profiles: String?

    func run() throws {
        do {
            let site = try SiteConfig.load(path: config, profilesDir: profiles, knownProtocols: DriverCatalog.protocols)
            print("\(config): site \(site.site), \(site.devices.count) device(s), \(site.profiles.count) profile(s): ok")
            if let f = site.forward { print("  forwarding to \(f.url) in batches of \(f.batch) (token from \(f.tokenFile))") }
            for d in site.devices {
                let pin = d.usbPin.map { " on USB \($0.serial.map { "serial " + $0 } ?? "path " + ($0.path ?? ""))" }
                let link = (d.endpoint.map { " on \($0)" } ?? pin ?? "") + (d.enabled ? "" : " (disabled)")
                let serial = d.serial.map { " (\($0.summary))" } ?? ""
                print("  \(d.id): \(d.profile.model) [\(d.profile.protocol)] lane \(d.lane ?? "-")\(link)\(serial)")
            }
        } catch let e as ConfigError {
            FileHandle.standardError.write(Data("niihub: \(e)\n".utf8))
            throw ExitCode(78)
        }
    }
}
