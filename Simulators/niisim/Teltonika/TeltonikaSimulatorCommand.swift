import ArgumentParser
import Foundation
import HubDrivers
import Synchronization

/// Teltonika FMB trackers dialling in: IMEI handshake, then codec 8 records along the route.
struct TeltonikaSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teltonika", abstract: "Teltonika trackers (codec 8) over TCP to a hub listener on loopback.")

    @OptionGroup(title: "Fleet") var fleet: FleetOptions
    @OptionGroup(title: "Fault injection") var faults: FaultOptions

    @Option(name: .long, help: "AVL records per data packet.") var recordsPerPacket: Int = 1

    func validate() throws {
        guard (1...255).contains(recordsPerPacket) else { throw ValidationError("--records-per-packet must be 1…255") }
    }

    func run() async throws {
        let script = TeltonikaScript(recordsPerPacket: recordsPerPacket, intervalS: fleet.interval)
        let stats = try await FleetRunner(script: script, options: fleet, faults: faults).run()
        if stats.loginsAcked.load(ordering: .relaxed) < fleet.units { throw ExitCode(1) }
    }
}

struct TeltonikaScript: TrackerScript {
    let recordsPerPacket: Int
    let intervalS: Double
    var name: String { "teltonika" }
    var checksum: ChecksumPlace { .binaryFromEnd(1) }

    func login(unit: String, serial: UInt16) -> [UInt8] { TeltonikaEncoder.handshake(imei: unit) }

    func answerer(unit: String) -> CommandAnswerer? { CommandAnswerer(dialect: .teltonika, unit: unit) }

    func loginAccepted(_ reply: [UInt8]) -> Bool? { reply.first.map { $0 == 0x01 } }

    /// Every data packet is acked with its record count, four bytes.
    func replyBytes(for frame: [UInt8], unit: String) -> Int { 4 }

    func report(unit: String, step: Int, at: Date, position f: Route.Fix, alarm: Bool, serial: UInt16) -> [[UInt8]] {
        // Records a packet batches are spaced back in time, as a unit that buffers between sends.
        let records = (0..<recordsPerPacket).reversed().map { k in
            TeltonikaEncoder.Record(at: at.addingTimeInterval(-Double(k) * intervalS / Double(recordsPerPacket)), lat: f.lat,
                                    lon: f.lon, altitudeM: 12, courseDeg: Int(f.courseDeg), speedKmh: Int(f.speedKmh),
                                    priority: alarm ? 2 : 0)
        }
        return [TeltonikaEncoder.codec8(records)]
    }
}
