import ArgumentParser
import Foundation
import HubDevices
import HubDrivers
import HubModel
import HubSimulation

/// A trace or narcotics detector (ion mobility): one result line per swab, some of them alarms with
/// a substance, channel and amplitude. It writes the lines a device profile's `line:` section
/// describes (`--profile`), so the same simulator plays any profile-described detector; without
/// one it writes the hub's standard trace line.
struct TraceSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "A trace/narcotics detector writing the lines its profile describes (or the hub's standard trace line).")

    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "Run") var pace: RunOptions
    @OptionGroup(title: "Fault injection") var faults: FaultOptions

    @Option(name: .long, help: "A device profile (YAML) whose line: section says how lines are written.") var profile: String?
    @Option(name: .long, help: "Samples to analyse (0 = never stop).") var samples: Int = 0
    @Option(name: .long, help: "Seconds between samples (device time).") var every: Double = 20
    @Option(name: .long, help: "Share of samples that alarm.") var alarmRate: Double = 0.1
    @Option(name: .long, help: "The lane the detector names, when its lines carry one.") var lane: String = "1"

    func validate() throws {
        guard every > 0 else { throw ValidationError("--every must be above 0") }
        guard (0...1).contains(alarmRate) else { throw ValidationError("--alarm-rate is a share between 0 and 1") }
    }

    func run() async throws {
        var schema = DeclaredLineDriver.standardSchema
        if let profile {
            let p = try YAMLDocument.load(DeviceProfile.self, path: profile)
            guard let line = p.line else { throw ValidationError("\(profile) has no line: section") }
            schema = line
        }
        let out = try ByteOutput(output, name: "trace")
        let log = try Trace(path: pace.trace)
        var rng = SeededRandom(seed: pace.seed)
        var injector = FaultInjector(faults, place: .none, seed: pace.seed)
        let pacer = Pacer(speed: pace.speed)
        var n = 0, alarms = 0
        while samples == 0 || n < samples {
            let t = Double(n) * every
            let at = pacer.date(t, skewS: faults.clockSkew)
            let alarm = rng.chance(alarmRate)
            let sample = TraceSample.draw(&rng, alarm: alarm)
            if sample.alarm { alarms += 1 }
            let container = Identities.container(&rng), plate = Identities.plate(&rng)
            let values = sample.values(at: at, lane: lane, schema: schema, container: container, plate: plate)
            log.record(values.merging(["sample": "\(n)"]) { a, _ in a })
            if !injector.inBurst() { try await pacer.wait(until: t) }
            out.write(injector.apply(DeclaredLineEncoder.encode(values, schema: schema)))
            if injector.shouldDisconnect() { out.reconnect() }
            n += 1
        }
        out.close()
        log.close()
        note("trace: \(n) samples, \(alarms) alarms, \(injector.summary)")
    }
}

/// One swab's result as a detector reports it.
struct TraceSample {
    var alarm: Bool
    var substance: String?
    var channel: String
    var amplitude: Int

    /// Explosives on the positive-ion channel, narcotics on the negative, as dual-mode IMS split them.
    static let substances: [(name: String, channel: String)] = [
        ("TNT", "EXP-"), ("RDX", "EXP-"), ("PETN", "EXP-"), ("Ammonium nitrate", "EXP-"),
        ("Cocaine", "NARC+"), ("Heroin", "NARC+"), ("Methamphetamine", "NARC+"), ("THC", "NARC+"),
    ]

    static func draw(_ rng: inout SeededRandom, alarm: Bool) -> TraceSample {
        guard alarm else {
            return TraceSample(alarm: false, substance: nil, channel: rng.chance(0.5) ? "EXP-" : "NARC+", amplitude: Int(rng.uniform(0...40)))
        }
        let s = substances[Int(rng.uniform(0...Double(substances.count - 1)).rounded())]
        return TraceSample(alarm: true, substance: s.name, channel: s.channel, amplitude: Int(rng.uniform(120...900)))
    }

    /// Values by the fields the schema's mapping names, as text.
    func values(at: Date, lane: String, schema: LineSchema, container: String?, plate: String?) -> [String: String] {
        let m = schema.event
        var v: [String: String] = [:]
        if let f = m.time, let field = schema.field(f) {
            switch field.timeFormat {
            case .rfc3339: v[f] = Timestamp.format(at)
            case .epochSeconds: v[f] = String(Int(at.timeIntervalSince1970))
            case .epochMilliseconds: v[f] = String(Int64(at.timeIntervalSince1970 * 1000))
            }
        }
        if let field = schema.field(m.alarm) {
            if field.type == .boolean {
                v[m.alarm] = alarm ? field.trueWords[0] : field.falseWords[0]
            } else {
                // The first alarm word; a clear sample says the first word the profile does not count as alarm.
                v[m.alarm] = alarm ? (m.alarmValues.first ?? "ALARM") : "CLEAR"
            }
        }
        if let f = m.substance, let substance { v[f] = substance }
        if let f = m.channel { v[f] = channel }
        if let f = m.amplitude {
            let scale = schema.field(f)?.scale ?? 1
            v[f] = String(Int((Double(amplitude) / scale).rounded()))
        }
        if let f = m.containers, let container { v[f] = container }
        if let f = m.plates, let plate { v[f] = plate }
        if let f = m.lane { v[f] = lane }
        // Required fields the mapping does not name (a serial number, an operator) get a value too.
        for field in schema.fields where field.required && v[field.name] == nil {
            v[field.name] = field.type == .number || field.type == .integer ? "0" : field.type == .boolean ? field.falseWords[0] : "SIM-1"
        }
        return v
    }
}
