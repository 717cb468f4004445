import HubModel

extension Array where Element == DriverStep {
    /// Appends the readings one frame gave, after that frame: the first closes the archive run it
    /// belongs to, the others point at the same frame alone (a run can be closed only once).
    mutating func append(readings: [DeviceReading], counters: inout DecodeCounters) {
        for (i, r) in readings.enumerated() {
            append(.reading(r, i == 0 ? .segment : .lastFrame))
        }
        counters.readings += readings.count
    }
}
