import ArgumentParser
import Foundation
import HubDevices
import HubDrivers

struct RPMSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpm",
        abstract: "A radiation portal monitor on a pseudo-terminal: synthetic lane traffic, or a captured feed replayed.")

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @OptionGroup(title: "Fault injection")
    var faults: FaultOptions

    @Option(name: .long, help: "Replay a captured CSV feed (a recorder's trailing timestamp column paces it).")
    var replay: String?

    @Option(name: .long, help: "Pace: 1 is real time, 10 ten times faster.")
    var speed: Double = 1

    @Flag(name: .long, help: "Start the replay again when it ends; synthetic traffic never ends.")
    var loop = false

    @Option(name: .long, help: "Mean seconds between vehicles (synthetic).")
    var vehicleEvery: Double = 20

    @Option(name: .long, help: "Share of vehicles that raise a gamma alarm (synthetic).")
    var gammaAlarmRate: Double = 0.2

    @Option(name: .long, help: "Share of vehicles that raise a neutron alarm (synthetic).")
    var neutronAlarmRate: Double = 0.05

    @Option(name: .long, help: "Random seed, for a run that repeats exactly.")
    var seed: UInt64 = 6346

    @Option(name: .long, help: "Stop after this many vehicles (synthetic; 0 = never).")
    var vehicles: Int = 0

    func validate() throws {
        guard speed > 0 else { throw ValidationError("--speed must be above 0") }
    }

    func run() async throws {
        let sink = try ByteOutput(output, name: "rpm")
        // RPM lines carry no checksum: a bad-checksum fault has nothing to break.
        var injector = FaultInjector(faults, place: .none, seed: seed)
        if let replay {
            repeat {
                try await play(replayLines(replay), into: sink, faults: &injector)
            } while loop
        } else {
            var model = PortalMonitorModel(
                settings: .init(vehicleEveryS: vehicleEvery, gammaAlarmRate: gammaAlarmRate, neutronAlarmRate: neutronAlarmRate),
                seed: seed)
            var played = 0
            while vehicles == 0 || played < vehicles {
                try await play(model.cycle().map { ($0.at, $0.line.encoded()) }, into: sink, faults: &injector)
                played += 1
            }
        }
        sink.close()
        if faults.any { note("rpm: \(injector.summary)") }
    }

    /// Writes timed lines, sleeping between them at the chosen pace.
    private func play(_ lines: [(Double, [UInt8])], into sink: ByteOutput, faults: inout FaultInjector) async throws {
        let pacer = Pacer(speed: speed)
        let origin = lines.first?.0 ?? 0
        for (at, bytes) in lines {
            if !faults.inBurst() { try await pacer.wait(until: at - origin) }
            sink.write(faults.apply(bytes))
            if faults.shouldDisconnect() { sink.reconnect() }
        }
    }

    /// A captured feed's lines without the recorder's timestamp column, timed by it.
    private func replayLines(_ path: String) throws -> [(Double, [UInt8])] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var out: [(Double, [UInt8])] = []
        var first: Date?
        var last = 0.0
        for raw in data.split(separator: 10, omittingEmptySubsequences: true) {
            var content = Array(raw)
            if content.last == 13 { content.removeLast() }
            guard let line = RapiscanLine.parse(content[...]) else {
                out.append((last, content + [13, 10]))  // a garbage line is replayed as it was
                continue
            }
            if let t = line.timestamp {
                first = first ?? t
                last = t.timeIntervalSince(first!)
            }
            out.append((last, RapiscanLine(code: line.code, fields: line.fields).encoded()))
        }
        return out
    }
}
