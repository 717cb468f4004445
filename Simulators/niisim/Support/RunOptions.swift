import ArgumentParser

/// Pace, seed and trace: how every simulator's run is timed, repeated and checked.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "Pace: 1 is real time, 10 ten times faster.") var speed: Double = 1
    @Option(name: .long, help: "Random seed, for a run that repeats exactly.") var seed: UInt64 = 6346
    @Option(name: .long, help: "Write what the simulator meant to send as JSON lines to FILE.") var trace: String?

    func validate() throws {
        guard speed > 0 else { throw ValidationError("--speed must be above 0") }
    }
}
