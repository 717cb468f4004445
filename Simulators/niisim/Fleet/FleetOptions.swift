import ArgumentParser

/// Options shared by every tracker and seal simulator that dials in to a hub listener.
struct FleetOptions: ParsableArguments {
    @OptionGroup(title: "Run") var pace: RunOptions
    @Option(name: .long, help: "Hub listener address (loopback only).") var host: String = "127.0.0.1"
    @Option(name: .long, help: "Hub listener port.") var port: Int
    @Option(name: .long, help: "Units at once, each its own connection and IMEI (up to 10000).") var units: Int = 1
    @Option(name: .long, help: "Reports per unit after its login (0 = never stop).") var reports: Int = 0
    @Option(name: .long, help: "Seconds between a unit's reports (device time).") var interval: Double = 10
    @Option(name: .long, help: "Vehicle speed along the route, km/h.") var kmh: Double = 50
    @Option(name: .long, help: "Route as 'lat,lon;lat,lon;…' (default: a border transit corridor).") var route: String?
    @Option(name: .long, help: "First unit's IMEI (or seal number); the others count up from it.") var imeiBase: UInt64 = 864_000_000_000_000
    @Option(name: .long, help: "Share of reports that are alarms (seal opened, tampered, cut).") var alarmRate: Double = 0
    @Option(name: .long, help: "Connections opened at once.") var concurrency: Int = 200
    @Option(name: .long, help: "Seconds to wait for a login ack before giving up on a unit.") var ackTimeout: Double = 20
    @Option(name: .customLong("summary-json"), help: "Also write the run's summary (counts, ack latency percentiles) as JSON here.")
    var summaryJSON: String?

    func validate() throws {
        try Loopback.require(host)
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1…65535") }
        guard (1...10_000).contains(units) else { throw ValidationError("--units must be 1…10000") }
        guard interval > 0, concurrency > 0, ackTimeout > 0 else {
            throw ValidationError("--interval, --concurrency and --ack-timeout must be above 0")
        }
        guard (0...1).contains(alarmRate) else { throw ValidationError("--alarm-rate is a share between 0 and 1") }
        if let route, Route(text: route) == nil { throw ValidationError("--route needs at least two 'lat,lon' points") }
    }
}
