import Foundation
import HubModel

/// The device profiles of a folder (`DeviceProfiles/*.yaml`), each checked as it is read.
public struct ProfileCatalog: Sendable, Equatable {
    public var profiles: [String: DeviceProfile]

    /// Reads every `.yaml`/`.yml` file in `directory`; a bad file fails with its place and field.
    /// With `knownProtocols`, a profile naming a protocol the hub has no driver for fails too, and so
    /// does one whose `family:` is not its protocol's family (the family descriptor names it once).
    public static func load(directory: String, knownProtocols: KnownProtocols? = nil) throws -> ProfileCatalog {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw ConfigError(
                file: directory, line: nil, column: nil, field: "",
                message: "cannot read the profiles folder (\((error as NSError).localizedFailureReason ?? "missing or unreadable"))")
        }
        var profiles: [String: DeviceProfile] = [:]
        for f in files {
            let path = (directory as NSString).appendingPathComponent(f)
            let (profile, node) = try YAMLDocument.loadWithNode(DeviceProfile.self, path: path)
            let stem = (f as NSString).deletingPathExtension
            guard profile.model == stem else {
                throw YAMLDocument.error(
                    at: [AnyKey(stringValue: "model")], message: "expected '\(stem)' (the file's name), got '\(profile.model)'",
                    in: node, file: path)
            }
            if let known = knownProtocols, !known.contains(profile.protocol) {
                throw YAMLDocument.error(
                    at: [AnyKey(stringValue: "protocol")],
                    message: "expected one of: \(known.joined(separator: ", ")); got '\(profile.protocol)'",
                    in: node, file: path)
            }
            if let family = knownProtocols?.family(of: profile.protocol), family != profile.family {
                throw YAMLDocument.error(
                    at: [AnyKey(stringValue: "family")],
                    message: "expected '\(family)' (the family of protocol '\(profile.protocol)'), got '\(profile.family)'",
                    in: node, file: path)
            }
            profiles[profile.model] = profile
        }
        return ProfileCatalog(profiles: profiles)
    }
}
