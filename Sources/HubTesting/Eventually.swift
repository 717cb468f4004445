import Foundation

/// Polls `condition` until it holds or `timeout` passes; returns whether it held (the default is
/// generous: suites run in parallel on two cores). Tests of live
/// parts wait on outcomes this way rather than on fixed sleeps.
public func eventually(
    timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
