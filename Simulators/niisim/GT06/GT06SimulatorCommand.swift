import ArgumentParser
import Foundation
import HubDrivers
import Synchronization

/// GT06/Concox e-seals and trackers dialling in: login, then positions, heartbeats and seal alarms.
struct GT06SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt06", abstract: "GT06 e-seals/trackers over TCP to a hub listener on loopback (N units at once).")

    @OptionGroup(title: "Fleet") var fleet: FleetOptions
    @OptionGroup(title: "Fault injection") var faults: FaultOptions

    @Option(name: .long, help: "A heartbeat after every N positions (0 = none).") var heartbeatEvery: Int = 5

    func run() async throws {
        let stats = try await FleetRunner(script: GT06Script(heartbeatEvery: heartbeatEvery), options: fleet, faults: faults).run()
        if stats.loginsAcked.load(ordering: .relaxed) < fleet.units { throw ExitCode(1) }
    }
}

/// GT06 frames from the shared encoder: a location each report, heartbeats, and alarm packets
/// (0x16) carrying the seal codes the hub reads as opened or tampered.
struct GT06Script: TrackerScript {
    let heartbeatEvery: Int
    var name: String { "gt06" }
    var checksum: ChecksumPlace { .binaryFromEnd(4) }

    func answerer(unit: String) -> CommandAnswerer? { CommandAnswerer(dialect: .gt06, unit: unit) }

    func login(unit: String, serial: UInt16) -> [UInt8] { GT06Encoder.login(imei: unit, serial: serial) ?? [] }

    func loginAccepted(_ reply: [UInt8]) -> Bool? {
        // A refused GT06 unit hears nothing; only a login ack (protocol 0x01) counts.
        guard reply.count >= 10 else { return nil }
        return reply[0] == 0x78 && reply[3] == 0x01
    }

    func replyBytes(for frame: [UInt8], unit: String) -> Int {
        // Heartbeats (0x13) and alarms (0x16) are acked with a 10-byte frame; locations are not.
        frame.count > 3 && (frame[3] == 0x13 || frame[3] == 0x16) ? 10 : 0
    }

    func report(unit: String, step: Int, at: Date, position f: Route.Fix, alarm: Bool, serial: UInt16) -> [[UInt8]] {
        let p = GT06Encoder.Position(at: at, lat: f.lat, lon: f.lon, speedKmh: Int(f.speedKmh), courseDeg: Int(f.courseDeg))
        var frames = [GT06Encoder.location(p, serial: serial)]
        if heartbeatEvery > 0, step % heartbeatEvery == heartbeatEvery - 1 {
            frames.append(GT06Encoder.heartbeat(armed: true, serial: serial &+ 1))
        }
        if alarm {
            // Opened (0x14) and tampered (0x13) alternate, so both reach the operator's page.
            frames.append(GT06Encoder.alarm(p, code: step % 2 == 0 ? 0x14 : 0x13, armed: true, serial: serial &+ 2))
        }
        return frames
    }
}
