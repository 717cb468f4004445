import Foundation
import HubModel

/// Devices whose line protocol their profile describes (`line:`, a `LineSchema`): trace and
/// narcotics detectors, and any device that sends one CSV, key=value or JSON line per result.
/// Without a schema (`niihub decode`, a profile that gives none) it reads the hub's own trace
/// line (`DeclaredLineDriver.standardSchema`). Bad lines are archived and counted like every driver's.
public struct DeclaredLineDriver: LineDriver {
    public let rawFormat = "declared-lines"
    public internal(set) var counters = DecodeCounters()

    private var options: DriverOptions
    var framer: LineFramer

    public init(options: DriverOptions = DriverOptions()) {
        self.options = options
        framer = LineFramer(maxLineBytes: options.maxFrameBytes)
    }

    public mutating func reconfigure(_ options: DriverOptions) {
        self.options = options
        framer.limit(maxLineBytes: options.maxFrameBytes)
    }

    /// The schema lines are read under: the profile's, else the standard one.
    var schema: LineSchema { options.lineSchema ?? Self.standardSchema }

    mutating func handle(_ output: LineFramer.Output, receivedAt: Date, into steps: inout [DriverStep]) {
        guard let content = output.archive(counters: &counters, steps: &steps) else { return }
        switch DeclaredLine.parse(content, schema: schema, utcOffsetSeconds: options.utcOffsetSeconds) {
        case .success(let reading):
            steps.append(.reading(reading, .segment))
            counters.readings += 1
        case .failure(.garbage): counters.reject(.garbage)
        case .failure(.malformed): counters.reject(.malformed)
        }
    }

    /// The hub's own trace line, for detectors whose profile describes no other:
    ///
    /// ```
    /// TRACE,time=2026-01-31T08:15:02Z,result=ALARM,substance=TNT,channel=EXP+,amplitude=412,container=CSQU3054383
    /// TRACE,time=2026-01-31T08:16:40Z,result=CLEAR,channel=EXP+,plate=51C-123.45
    /// ```
    ///
    /// `result` is `ALARM` or `CLEAR` (required); `amplitude` is in digital units (`du`); `time`
    /// is RFC 3339; `container`, `plate`, `seal` and `lane` are optional.
    public static let standardSchema: LineSchema = {
        var event = LineSchema.EventMapping(kind: .trace, alarm: "result", alarmValues: ["ALARM"])
        event.time = "time"
        event.substance = "substance"
        event.channel = "channel"
        event.amplitude = "amplitude"
        event.containers = "container"
        event.plates = "plate"
        event.seals = "seal"
        event.lane = "lane"
        return LineSchema(
            format: .keyValue, prefix: "TRACE,",
            fields: [
                .init(name: "time", type: .time), .init(name: "result", type: .text, required: true),
                .init(name: "substance", type: .text), .init(name: "channel", type: .text),
                .init(name: "amplitude", type: .number, unit: "du"), .init(name: "container", type: .text),
                .init(name: "plate", type: .text), .init(name: "seal", type: .text), .init(name: "lane", type: .text),
            ],
            event: event)
    }()
}
