import ArgumentParser
import Foundation
import HubDrivers
import HubModel
import Synchronization

/// ASCII e-seals dialling in: a LOCK report first (its ack is the "login"), then positions and,
/// at the alarm rate, DOOR/CUT/TAMPER events; every report's ack is read back.
struct ESealSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eseal", abstract: "ASCII e-seals (##S,eSeal,…,E##) over TCP to a hub listener on loopback.")

    @OptionGroup(title: "Fleet") var fleet: FleetOptions
    @OptionGroup(title: "Fault injection") var faults: FaultOptions

    func run() async throws {
        let stats = try await FleetRunner(script: ESealScript(), options: fleet, faults: faults).run()
        if stats.loginsAcked.load(ordering: .relaxed) < fleet.units { throw ExitCode(1) }
    }
}

struct ESealScript: TrackerScript {
    /// Fleet units are numbered like IMEIs and named `SEAL<last 8 digits>`; a scenario names its seals.
    var derivesSealID = true
    var name: String { "eseal" }
    var checksum: ChecksumPlace { .none }
    static let alarms = ["DOOR", "CUT", "TAMPER"]

    func login(unit: String, serial: UInt16) -> [UInt8] {
        ESealEncoder.report(id: sealID(unit), sequence: Int(serial), event: "LOCK", time: Self.time(Date()), battery: "97")
    }

    func loginAccepted(_ reply: [UInt8]) -> Bool? {
        ESealEncoder.acks(in: String(decoding: reply, as: UTF8.self)).isEmpty ? nil : true
    }

    func replyBytes(for frame: [UInt8], unit: String) -> Int {
        // The ack echoes the report's id and sequence: `##A,eSeal,<id>,<seq>,E##` CR LF.
        let fields = String(decoding: frame, as: UTF8.self).split(separator: ",")
        guard fields.count > 3, let seq = Int(fields[3]) else { return 0 }
        return ESealEncoder.ack(id: String(fields[2]), sequence: seq).count
    }

    func report(unit: String, step: Int, at: Date, position f: Route.Fix, alarm: Bool, serial: UInt16) -> [[UInt8]] {
        let event = alarm ? Self.alarms[step % Self.alarms.count] : "POS"
        return [ESealEncoder.report(id: sealID(unit), sequence: Int(serial), event: event, time: Self.time(at),
                                    lat: Self.sixDecimals(f.lat), lon: Self.sixDecimals(f.lon),
                                    battery: String(max(5, 97 - step / 20)))]
    }

    func answerer(unit: String) -> CommandAnswerer? { CommandAnswerer(dialect: .eseal, unit: sealID(unit)) }

    func sealID(_ unit: String) -> String { derivesSealID ? "SEAL" + unit.suffix(8) : unit }

    /// `YYYYMMDDhhmmss` in UTC, the seal's clock format (the whole second: a clock does not round up).
    /// Taken from the hub's RFC 3339 writer: a `DateFormatter` per report was a third of a fleet's CPU.
    static func time(_ d: Date) -> String {
        let rfc3339 = Timestamp.format(Date(timeIntervalSince1970: d.timeIntervalSince1970.rounded(.down)))
        return String(rfc3339.utf8.prefix(19).filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.map { Character(UnicodeScalar($0)) })
    }

    /// `v` with six decimals, as `%.6f` writes it, without Foundation's formatter (one per coordinate).
    static func sixDecimals(_ v: Double) -> String {
        let scaled = Int64((abs(v) * 1_000_000).rounded())
        let fraction = String(scaled % 1_000_000)
        let sign = v < 0 && scaled != 0 ? "-" : ""
        return sign + String(scaled / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
