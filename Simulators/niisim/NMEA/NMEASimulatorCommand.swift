import ArgumentParser
import Foundation
import HubDrivers
import HubModel

/// A GPS receiver: RMC, GGA, GSA and VTG each epoch, moving along a route.
struct NMEASimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nmea", abstract: "A GPS receiver writing NMEA 0183 (RMC/GGA/GSA/VTG) while moving along a route.")

    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Run") var pace: RunOptions
    @OptionGroup(title: "Fault injection") var faults: FaultOptions

    @Option(name: .long, help: "Epochs to write (0 = never stop).") var fixes: Int = 0
    @Option(name: .long, help: "Seconds between epochs (device time).") var interval: Double = 1
    @Option(name: .long, help: "Vehicle speed along the route, km/h.") var kmh: Double = 60
    @Option(name: .long, help: "Route as 'lat,lon;lat,lon;…' (default: a border transit corridor).") var route: String?
    @Option(name: .long, help: "Talker id (GP, GN, …).") var talker: String = "GP"
    @Option(name: .long, help: "Device clock at the start, RFC 3339 (default: now).") var start: String?

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be above 0") }
        if let route, Route(text: route) == nil { throw ValidationError("--route needs at least two 'lat,lon' points") }
        if let start, Timestamp.parse(start) == nil { throw ValidationError("--start is not RFC 3339") }
    }

    func run() async throws {
        let path = route.flatMap(Route.init(text:)) ?? .corridor
        let out = try ByteOutput(output, name: "nmea")
        let log = try Trace(path: pace.trace)
        var injector = FaultInjector(faults, place: .starHex, seed: pace.seed)
        let pacer = Pacer(speed: pace.speed, epoch: start.flatMap(Timestamp.parse) ?? Date())
        var i = 0
        while fixes == 0 || i < fixes {
            let t = Double(i) * interval
            let p = path.position(after: kmh / 3.6 * t)
            let fix = NMEAEncoder.Fix(at: pacer.date(t, skewS: faults.clockSkew), lat: p.lat, lon: p.lon, speedKmh: kmh,
                                      courseDeg: p.courseDeg.rounded(), satellites: 8 + i % 4)
            log.record(["epoch": i, "at": Timestamp.format(fix.at), "lat": fix.written.lat, "lon": fix.written.lon])
            for sentence in NMEAEncoder.epoch(fix, talker: talker) {
                if !injector.inBurst() { try await pacer.wait(until: t) }
                out.write(injector.apply(sentence))
                if injector.shouldDisconnect() { out.reconnect() }
            }
            i += 1
        }
        out.close()
        log.close()
        note("nmea: \(i) epochs, \(injector.summary)")
    }
}
