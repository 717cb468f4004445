import HubModel

/// Trace and narcotics detectors (ion mobility spectrometers and the like) whose output a profile
/// describes (`line:`): one `trace.alarm` or `trace.clear` per sample, placed on the passage of the
/// vehicle whose container, plate or seal it names.
public enum TraceFamily {
    public static let family = DeviceFamily(
        name: "trace-detector",
        kinds: [EventKind.traceAlarm, EventKind.traceClear],
        protocols: [
            DeviceProtocol(
                name: LineSchema.protocolName, capture: .bytes, simulator: "trace",
                // `niisim trace --stdout --samples 12 --alarm-rate 0.3 --seed 7`: the hub's own trace line.
                captures: [.recorded("Tests/HubDriversTests/Captures/trace-standard.txt")]
            ) { DeclaredLineDriver(options: $0) }
        ])
}
