import Foundation
import HubSimulation

/// The loop every file-writing device shares: one file per period, paced, with file faults, and a
/// trace line for each.
struct FolderDevice {
    let folder: String
    let count: Int
    let every: Double
    let run: RunOptions
    let faults: FaultOptions

    /// One file: its name, its bytes (before faults) and what it meant.
    struct File {
        var name: String
        var bytes: [UInt8]
        var trace: [String: Any]
    }

    /// Writes files made by `make(index, deviceTime, rng, out)` until `count` (0 = forever).
    func play(_ what: String, make: (Int, Date, inout SeededRandom, FolderOutput) throws -> File) async throws {
        let out = try FolderOutput(folder)
        let log = try Trace(path: run.trace)
        var rng = SeededRandom(seed: run.seed)
        var injector = FaultInjector(faults.withoutDuplicates, place: .none, seed: run.seed)
        let pacer = Pacer(speed: run.speed)
        var i = 0
        while count == 0 || i < count {
            let t = Double(i) * every
            if !injector.inBurst() { try await pacer.wait(until: t) }
            let file = try make(i, pacer.date(t, skewS: faults.clockSkew), &rng, out)
            let bytes = injector.apply(file.bytes)
            try out.write(file.name, bytes)
            if faults.duplicate > 0, rng.chance(faults.duplicate) { try await out.redeliver(file.name, bytes) }
            log.record(file.trace)
            i += 1
        }
        log.close()
        note("\(what): \(i) files in \(folder), \(injector.summary)")
    }
}
