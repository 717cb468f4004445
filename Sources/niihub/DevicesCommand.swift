import ArgumentParser
import Foundation
import HubDevices
import HubDrivers
import HubSite

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the serial ports udev sees, with the device or profile each matches, or why none does.")

    @Option(name: .long, help: "Site configuration (YAML), for its USB pins; without it, profiles alone are matched.")
    var config: String?

    @Option(name: .long, help: "Folder of device profiles.")
    var profiles: String?

    @Flag(name: .long, help: "One JSON object per port.")
    var json = false

    func run() throws {
        let matcher: USBMatcher
        do {
            if let config {
                let site = try SiteConfig.load(path: config, profilesDir: profiles, knownProtocols: DriverCatalog.protocols)
                matcher = USBMatcher(
                    devices: site.devices.filter(\.enabled), profiles: Array(site.profiles.values), site: site.site,
                    autoAttach: site.usbAutoAttach)
            } else {
                let catalog = try ProfileCatalog.load(
                    directory: profiles ?? "DeviceProfiles", knownProtocols: DriverCatalog.protocols)
                matcher = USBMatcher(devices: [], profiles: Array(catalog.profiles.values), site: "-", autoAttach: true)
            }
        } catch let e as ConfigError {
            warn("niihub: \(e)")
            throw ExitCode(78)
        }
        let ports = Udev.serialPorts()
        if ports.isEmpty, !json { print("no serial ports") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for port in ports {
            let verdict: (String, String)
            switch matcher.match(port) {
            case .pinned(let d): verdict = ("pinned", "\(d.id) (\(d.profile.model))")
            case .automatic(let d): verdict = ("profile", "\(d.id) (\(d.profile.model))")
            case .none(let reason): verdict = ("none", reason)
            }
            if json {
                struct Row: Encodable {
                    var port: UdevDevice
                    var match: String
                    var detail: String
                }
                let line = try encoder.encode(Row(port: port, match: verdict.0, detail: verdict.1))
                FileHandle.standardOutput.write(line + Data([10]))
            } else {
                let id = port.usbID.map { " usb \($0)" } ?? ""
                let serial = port.serial.map { " serial \($0)" } ?? ""
                print("\(port.devnode ?? port.syspath)\(id)\(serial): \(verdict.0 == "none" ? "not taken: " : "")\(verdict.1)")
            }
        }
    }
}
