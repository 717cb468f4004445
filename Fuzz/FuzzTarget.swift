import Foundation
import HubDrivers
import HubModel

/// One fuzzed boundary: what it runs on an input, and the seeds it starts from.
struct FuzzTarget: Sendable {
    var run: @Sendable ([UInt8]) -> Void
    var seeds: @Sendable (_ shared: URL) -> [[UInt8]]
    /// Whether inputs start with the two bytes that pick a chunking (drivers and framers do).
    var chunked = true
}

/// Stops the run with a message libFuzzer reports beside the crashing input.
func check(_ condition: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(what())") }
}

/// The boundaries by the names `scripts/fuzz.sh` takes.
let targets: [String: FuzzTarget] = [
    "rpm": driverTarget("rpm", seeds: Seeds.rpm),
    "nmea": driverTarget("nmea", seeds: Seeds.nmea),
    "gt06": driverTarget("gt06", seeds: Seeds.gt06),
    "teltonika": driverTarget("teltonika", seeds: Seeds.teltonika),
    "eseal": driverTarget("eseal", seeds: Seeds.eseal),
    "ocr": driverTarget("ocr", seeds: Seeds.ocr),
    "scan": driverTarget("scan", seeds: Seeds.scan),
    "n42": driverTarget("n42", seeds: Seeds.n42),
    "framers": FuzzTarget(run: FramerChecks.run, seeds: Seeds.framers),
    "declarations": FuzzTarget(run: ModelChecks.declaration, seeds: Seeds.declarations, chunked: false),
    "container": FuzzTarget(run: ModelChecks.container, seeds: Seeds.containers, chunked: false),
]
