import Foundation
import HubDrivers
import HubImaging
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

/// The boundaries by the names `scripts/fuzz.sh` takes: the driver of every protocol of every
/// registered family (`DeviceFamilies.all`), seeded with the family's captures and what the
/// simulators' encoders write, then the framers and the model's readers.
let targets: [String: FuzzTarget] = {
    var out: [String: FuzzTarget] = [
        "framers": FuzzTarget(run: FramerChecks.run, seeds: Seeds.framers),
        "declarations": FuzzTarget(run: ModelChecks.declaration, seeds: Seeds.declarations, chunked: false),
        "container": FuzzTarget(run: ModelChecks.container, seeds: Seeds.containers, chunked: false),
    ]
    for format in ImageFormat.allCases {
        out["image-\(format.rawValue)"] = FuzzTarget(run: ImageChecks.decoder(format), seeds: ImageChecks.seeds(format), chunked: false)
    }
    for p in DriverCatalog.entries {
        let encoded = Seeds.encoded[p.name]
        out[p.name] = driverTarget(p.name) { shared in Seeds.captures(of: p, shared) + (encoded?(shared) ?? []) }
    }
    return out
}()

/// The driver targets first, in registration order, then the others: what `scripts/fuzz.sh` runs by default.
let targetNames = DriverCatalog.entries.map(\.name) + ["framers", "declarations", "container"]
    + ImageFormat.allCases.map { "image-\($0.rawValue)" }
