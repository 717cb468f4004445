import ArgumentParser
import Foundation
import HubDevices
import Yams

/// `niisim run SCENARIO.yaml`: plays a scenario's timeline against a hub on loopback and, with
/// `--expect`, checks the hub's outcome and exits non-zero with a diff when it differs.
struct RunScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Play a scenario file against a hub on loopback, optionally checking its expect: section.")

    @Argument(help: "The scenario file (YAML).") var scenario: String
    @Option(name: .long, help: "The hub's base URL (loopback only).") var hub: String
    @Option(name: .long, help: "An API bearer token (the admin token from admin-credential.json).") var token: String
    @Option(name: .long, help: "Pace: 1 is real time, 10 ten times faster.") var speed: Double = 1
    @Option(name: .long, help: "Point a device the scenario uses elsewhere: NAME=PATH (a link, or a folder device's folder) or NAME=HOST:PORT (TCP).")
    var device: [String] = []
    @Option(name: .long, help: "Run the scenario's mail sink on this loopback HOST:PORT instead of its mail: listen address.")
    var mail: String?
    @Flag(name: .long, help: "Check the expect: section; exit 1 with a diff when it differs.") var expect = false
    @Option(name: .long, help: "Write each camera read and portal line as played (scenario second, truck) as JSON lines to FILE.")
    var trace: String?

    func validate() throws {
        guard speed > 0 else { throw ValidationError("--speed must be above 0") }
        guard let url = URL(string: hub), let host = url.host else { throw ValidationError("--hub must be a URL like http://127.0.0.1:8080") }
        try Loopback.require(host)
        if let mail { _ = try Loopback.endpoint(mail) }
    }

    func run() async throws {
        // Plain scalars as text, as the scenarios were always read (declaration numbers are mapping keys).
        var s = try YAMLDocument.load(Scenario.self, path: scenario, resolver: Resolver.basic.appending(.merge))
        // A device's profile is found from the scenario's folder, as the site file finds its profiles.
        let file = scenario.hasPrefix("/") ? scenario : FileManager.default.currentDirectoryPath + "/" + scenario
        let folder = (file as NSString).deletingLastPathComponent
        for (name, d) in s.devices {
            if let p = d.profile, !p.hasPrefix("/") { s.devices[name]?.profile = ((folder as NSString).appendingPathComponent(p) as NSString).standardizingPath }
        }
        for d in device {
            guard let eq = d.firstIndex(of: "=") else { throw ValidationError("--device wants NAME=ADDRESS, got '\(d)'") }
            let name = String(d[..<eq]), address = String(d[d.index(after: eq)...])
            // A device the scenario does not use stays untouched.
            guard var link = s.devices[name] else { continue }
            if address.hasPrefix("/"), link.folder != nil {
                link.folder = address
            } else if address.hasPrefix("/") {
                link.link = address
                link.tcp = nil
            } else {
                link.tcp = address
                link.link = nil
            }
            s.devices[name] = link
        }
        let client = HubClient(base: URL(string: hub)!, token: token)
        let log = try Trace(path: trace)
        defer { log.close() }
        // The hub's relay: listening before the first alarm can be mailed.
        var sink: MailSink?
        if let address = mail ?? s.mail?.listen { sink = try await MailSink.start(address) }
        let player = ScenarioPlayer(scenario: s, hub: client, speed: speed, trace: log)
        try await player.connect(timeoutS: s.expect.settleS ?? 60)
        try await player.play()
        guard expect else {
            player.close()
            await sink?.close()
            return
        }
        let items = try await ExpectationCheck(expect: s.expect, hub: client, mail: sink, played: player.played).settle()
        player.close()
        await sink?.close()
        print(ExpectationCheck.report(items))
        if items.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}
