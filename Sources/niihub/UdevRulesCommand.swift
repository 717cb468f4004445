import ArgumentParser
import Foundation
import HubDevices
import HubDrivers

struct UdevRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udev-rules", abstract: "Print udev rules that give the hub access to the profiles' serial ports.")

    @Option(name: .long, help: "Folder of device profiles.")
    var profiles: String = "DeviceProfiles"

    @Option(name: .long, help: "Group that owns the ports (the hub's user is in it).")
    var group: String = "niihub"

    func run() throws {
        do {
            let catalog = try ProfileCatalog.load(directory: profiles, knownProtocols: DriverCatalog.protocols)
            print(UdevRules.render(profiles: Array(catalog.profiles.values), group: group), terminator: "")
        } catch let e as ConfigError {
            warn("niihub: \(e)")
            throw ExitCode(78)
        }
    }
}
