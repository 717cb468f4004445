import Foundation
import HubDevices
import HubDrivers
import HubIngest
import HubModel
import HubTesting
import Testing

/// What the family descriptors promise beyond their drivers: the kinds a family names are the kinds
/// its captures become, and a profile must name its protocol's family.
struct FamilyDescriptorTests {
    /// Every event of every family's captures is of a kind the family names, in the family's name.
    @Test(arguments: DriverCatalog.entries.map(\.name))
    func capturesBecomeOnlyTheKindsTheFamilyNames(_ protocolName: String) throws {
        let p = try #require(DriverCatalog.entry(protocolName))
        let family = try #require(DeviceFamilies.named(p.family))
        var seen: Set<String> = []
        for capture in p.captures {
            let bytes = [UInt8](try Data(contentsOf: capture.url(repository: Corpus.packageRoot, shared: Corpus.shared)))
            let context = DeviceContext(device: DeviceRef(id: "dev-1", profile: p.name, family: p.family), site: "s", lane: "1")
            var decoder = try #require(FeedDecoder(protocolName: p.name, context: context, options: DriverOptions(), ids: EventIDGenerator()))
            var bad = 0
            let at = Date(timeIntervalSince1970: 1_800_000_000)
            var events: [InspectionEvent] = []
            for chunk in p.capture.chunks(of: bytes, badLines: &bad) { events += decoder.push(chunk, receivedAt: at).events }
            events += decoder.finish(receivedAt: at).events
            #expect(!events.isEmpty, "\(capture.path)")
            for e in events { seen.insert(e.kind) }
            #expect(events.allSatisfy { $0.device.family == family.name })
        }
        #expect(seen.isSubset(of: Set(family.kinds)), "\(protocolName): \(seen.subtracting(family.kinds).sorted()) not in the descriptor")
    }

    /// The profiles shipped in DeviceProfiles/ name their protocol's family; a GT06 profile calling
    /// itself a `gps-tracker` (what the driver table once said) is refused with the family expected.
    @Test func aProfileMustNameItsProtocolsFamily() throws {
        let shipped = try ProfileCatalog.load(
            directory: Corpus.repositoryFile("DeviceProfiles").path, knownProtocols: DriverCatalog.protocols)
        for profile in shipped.profiles.values {
            #expect(profile.family == DriverCatalog.family(of: profile.protocol), "\(profile.model)")
        }
        #expect(shipped.profiles["gt06-eseal"]?.family == "e-seal")

        let dir = try TemporaryDirectory()
        let profiles = dir.path("profiles")
        try FileManager.default.createDirectory(atPath: profiles, withIntermediateDirectories: true)
        let yaml = """
            model: gt06-tracker
            name: GT06 tracker
            family: gps-tracker
            protocol: gt06
            transport:
              kind: tcp
            heartbeatIntervalS: 600

            """
        try yaml.write(toFile: profiles + "/gt06-tracker.yaml", atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try ProfileCatalog.load(directory: profiles, knownProtocols: DriverCatalog.protocols) }
        do {
            _ = try ProfileCatalog.load(directory: profiles, knownProtocols: DriverCatalog.protocols)
        } catch {
            #expect("\(error)".contains("expected 'e-seal' (the family of protocol 'gt06'), got 'gps-tracker'"), "\(error)")
        }
        // Names only (no families known): the family is not checked.
        #expect(try ProfileCatalog.load(directory: profiles, knownProtocols: ["gt06"]).profiles.count == 1)
    }
}
