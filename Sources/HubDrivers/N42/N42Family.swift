import HubModel

/// Radiation instruments writing ANSI N42.42 documents (2006 and 2012): measurements and alarms.
public enum N42Family {
    public static let family = DeviceFamily(
        name: "radiation-instrument",
        kinds: [EventKind.radiationMeasurement, EventKind.radiationAlarm],
        protocols: [
            DeviceProtocol(
                name: "n42", capture: .bytes, simulator: "n42",
                captures: [.shared("n42/5samples_2dets_peaks_on_3.n42"), .shared("n42/SGM200615_SearchMode_1.xml")]
            ) { N42Driver(options: $0) }
        ])
}
