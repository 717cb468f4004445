import ArgumentParser
import Foundation
import HubDevices
import HubDrivers

struct RPMSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpm",
        abstract: "A radiation portal monitor on a pseudo-terminal: synthetic lane traffic, or a captured feed replayed.")

    @Option(name: .long, help: "Create a pseudo-terminal and link this path to it (as udev links a by-id name).")
    var link: String?

    @Flag(name: .long, help: "Write the lines to standard output instead.")
    var stdout = false

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
        guard (link != nil) != stdout else { throw ValidationError("give exactly one of --link PATH or --stdout") }
        guard speed > 0 else { throw ValidationError("--speed must be above 0") }
    }

    func run() async throws {
        let sink = try LineSink(link: link)
        if let replay {
            repeat {
                try await play(replayLines(replay), into: sink)
            } while loop
        } else {
            var model = PortalMonitorModel(
                settings: .init(vehicleEveryS: vehicleEvery, gammaAlarmRate: gammaAlarmRate, neutronAlarmRate: neutronAlarmRate),
                seed: seed)
            var played = 0
            while vehicles == 0 || played < vehicles {
                try await play(model.cycle().map { ($0.at, $0.line.encoded()) }, into: sink)
                played += 1
            }
        }
        sink.close()
    }

    /// Writes timed lines, sleeping between them at the chosen pace.
    private func play(_ lines: [(Double, [UInt8])], into sink: LineSink) async throws {
        let started = ContinuousClock.now
        let origin = lines.first?.0 ?? 0
        for (at, bytes) in lines {
            let due = started + .milliseconds(Int64((at - origin) / speed * 1000))
            if due > .now { try await Task.sleep(until: due) }
            sink.write(bytes)
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

/// Where the simulated device's bytes go: a pseudo-terminal (linked at a stable path) or stdout.
final class LineSink: Sendable {
    private let pty: PseudoTerminal?

    init(link: String?) throws {
        guard let link else {
            pty = nil
            return
        }
        let dir = (link as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let p = try PseudoTerminal()
        try p.link(at: link)
        pty = p
        FileHandle.standardError.write(Data("niisim: rpm on \(p.slavePath), linked at \(link)\n".utf8))
    }

    func write(_ bytes: [UInt8]) {
        if let pty {
            // A monitor whose listener stops reading loses lines rather than stopping its detectors.
            pty.write(bytes, timeoutMs: 100)
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }

    func close() { pty?.close() }
}
