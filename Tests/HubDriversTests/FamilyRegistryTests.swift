import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Every registered device family has what the README's "add a device family" checklist asks: event
/// kinds with payload types, and for each of its protocols a driver that decodes the family's
/// captured bytes (published corpus or recorded here) without a reject, a `niisim` simulator, and
/// capture files on disk that seed its fuzz target. A family missing any of them fails here.
struct FamilyRegistryTests {
    @Test(arguments: DeviceFamilies.all.map(\.name))
    func everyFamilyIsComplete(_ name: String) throws {
        let family = try #require(DeviceFamilies.named(name))
        #expect(!family.kinds.isEmpty, "\(name) names no event kind")
        for kind in family.kinds {
            #expect(EventKind.all.contains(kind), "\(name): \(kind) is not an EventKind")
            #expect(EventPayload.hasType(forKind: kind), "\(name): \(kind) has no payload type")
        }
        try #require(!family.protocols.isEmpty, "\(name) has no protocol")
        let simulators = try Self.simulators.get()
        for p in family.protocols {
            #expect(p.family == name)
            #expect(DriverCatalog.entry(p.name)?.family == name, "\(p.name) is in the driver catalog under its family")
            #expect(simulators.contains(p.simulator), "\(p.name): niisim has no '\(p.simulator)' subcommand (it has \(simulators))")
            try #require(!p.captures.isEmpty, "\(p.name) names no capture (fuzz seeds, decode check)")
            for capture in p.captures {
                let url = capture.url(repository: Corpus.packageRoot, shared: Corpus.shared)
                let bytes = [UInt8](try Data(contentsOf: url))
                #expect(!bytes.isEmpty, "\(capture.path) is empty")
                let run = Self.decode(p, bytes)
                #expect(run.badLines == 0, "\(capture.path): lines that are not hex")
                #expect(run.counters.rejectedTotal == 0, "\(capture.path): \(run.counters.rejected)")
                #expect(run.readings > 0 && run.counters.frames > 0, "\(capture.path) decodes to nothing")
            }
        }
    }

    /// Names are given once: no two families share a name, no two protocols a name.
    @Test func namesAreUnique() {
        let families = DeviceFamilies.all.map(\.name)
        #expect(Set(families).count == families.count)
        let protocols = DriverCatalog.entries.map(\.name)
        #expect(Set(protocols).count == protocols.count)
        #expect(Array(DriverCatalog.protocols) == protocols)
        for p in DriverCatalog.entries { #expect(DriverCatalog.protocols.family(of: p.name) == p.family) }
    }

    /// The families OCR and e-seal moved onto the descriptor: their part in passages comes from the
    /// payload types of the kinds they name, which is all the passage assembler reads.
    @Test func passageRolesComeFromTheKindsAFamilyNames() throws {
        #expect(OCRFamily.family.passageRoles == [EventKind.ocrRead: .read])
        #expect(ESealFamily.family.passageRoles == [EventKind.sealStatus: .namedEvidence, EventKind.deviceStatus: .deviceHealth])
        #expect(ScanFamily.family.passageRoles == [EventKind.scanResult: .scan])
        #expect(RPMFamily.family.passageRoles == [EventKind.occupancyStart: .vehicleEnters, EventKind.occupancy: .vehicleLeaves])
        #expect(NMEAFamily.family.passageRoles.isEmpty)
        // What a restarted hub reads back to rebuild its lanes (PassageHistory).
        #expect(PassageRole.memberKinds == [
            EventKind.deviceStatus, EventKind.ocrRead, EventKind.occupancy, EventKind.occupancyStart, EventKind.scanResult, EventKind.sealStatus,
            EventKind.traceAlarm, EventKind.traceClear,
        ])
        // A trace detector's results follow the identifiers they name, like a seal report.
        #expect(TraceFamily.family.passageRoles == [EventKind.traceAlarm: .namedEvidence, EventKind.traceClear: .namedEvidence])
        // GT06 is the e-seal family's, as its profile says (the catalog once called it a gps-tracker).
        #expect(DriverCatalog.family(of: "gt06") == "e-seal")
        #expect(DriverCatalog.family(of: "teltonika") == "gps-tracker")
    }

    // MARK: -

    struct Decoded {
        var counters = DecodeCounters()
        var readings = 0
        var badLines = 0
    }

    /// The capture through a fresh driver, chunked as `niihub decode` reads a file of its format.
    static func decode(_ p: DeviceProtocol, _ bytes: [UInt8]) -> Decoded {
        var out = Decoded()
        var driver = p.make(DriverOptions())
        var steps: [DriverStep] = []
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        for chunk in p.capture.chunks(of: bytes, badLines: &out.badLines) { driver.push(chunk, receivedAt: at, into: &steps) }
        driver.finish(receivedAt: at, into: &steps)
        out.readings = steps.filter { if case .reading = $0 { true } else { false } }.count
        out.counters = driver.counters
        return out
    }

    struct NoSimulator: Error, CustomStringConvertible {
        var description: String
    }

    /// The subcommands of the built `niisim`, asked once for every family.
    static let simulators = Result { try simulatorCommands() }

    /// The subcommands `niisim --help` lists: the simulators the built tool really has.
    static func simulatorCommands() throws -> Set<String> {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            Corpus.packageRoot.appendingPathComponent(".build/debug"),
        ].compactMap { $0 }.map { $0.appendingPathComponent("niisim") }
        guard let niisim = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NoSimulator(description: "niisim is not built (looked in \(candidates.map(\.path)))")
        }
        let (status, output) = try runTool([niisim.path, "--help"])
        guard status == 0 else { throw NoSimulator(description: "niisim --help exited \(status): \(output)") }
        // "SUBCOMMANDS:" then one indented line per subcommand, its name first.
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("SUBCOMMANDS:") }) else { return [] }
        var names: Set<String> = []
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("  ") else { break }
            if let word = line.split(separator: " ").first, line.hasPrefix("  \(word)") { names.insert(String(word)) }
        }
        return names
    }
}
