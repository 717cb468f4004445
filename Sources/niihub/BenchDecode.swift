import ArgumentParser
#if canImport(Glibc)
import Glibc
// timespec's members resolve through CoreFoundation once X509 (HubPackage) is in the module graph.
import CoreFoundation
#endif
import Foundation
import HubDrivers
import HubIngest
import HubModel

/// Throughput of the decode path, in process: what one core turns into events per second.
struct BenchDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-decode",
        abstract: "Decode captured feeds N times in process and print MB/s and frames/s.",
        discussion: """
            Files are read and split (hex lines decoded) before the clock starts, and events are not \
            printed, so the figure is the driver, the raw segmenter (SHA-256) and the normalizer. \
            --driver-only times the driver alone. Build with -c release for numbers worth quoting.
            """)

    @Option(name: .long, help: "Protocol: \(DriverCatalog.protocols.joined(separator: ", ")).")
    var `protocol`: String

    @Option(name: .long, help: "How many times to decode every file.")
    var `repeat`: Int = 10

    @Flag(name: .long, help: "Time only the driver (framing and decoding), not events and raw records.")
    var driverOnly = false

    @Argument(help: "Captured files.")
    var files: [String]

    func run() throws {
        guard let entry = DriverCatalog.entry(`protocol`) else {
            throw ValidationError("unknown protocol '\(`protocol`)'; known: \(DriverCatalog.protocols.joined(separator: ", "))")
        }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        var feeds: [[ArraySlice<UInt8>]] = []
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            var bad = 0
            feeds.append(entry.capture.chunks(of: bytes, badLines: &bad))
        }
        let inputBytes = feeds.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        let context = DeviceContext(device: DeviceRef(id: "bench", profile: `protocol`, family: entry.family), site: nil, lane: nil)
        let ids = EventIDGenerator()
        let at = Date()
        var frames = 0, readings = 0
        let clock = ContinuousClock()
        let cpuBefore = Self.processCPUSeconds()
        let elapsed = clock.measure {
            for _ in 0..<`repeat` {
                for chunks in feeds {
                    if driverOnly {
                        var driver = entry.make(DriverOptions())
                        var steps: [DriverStep] = []
                        for c in chunks {
                            driver.push(c, receivedAt: at, into: &steps)
                            steps.removeAll(keepingCapacity: true)
                        }
                        driver.finish(receivedAt: at, into: &steps)
                        frames += driver.counters.frames
                        readings += driver.counters.readings
                    } else {
                        var decoder = FeedDecoder(protocolName: `protocol`, context: context, options: DriverOptions(), ids: ids)!
                        for c in chunks { readings += decoder.push(c, receivedAt: at).events.count }
                        readings += decoder.finish(receivedAt: at).events.count
                        frames += decoder.counters.frames
                    }
                }
            }
        }
        let cpu = max(Self.processCPUSeconds() - cpuBefore, 1e-9)
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 1e-9)
        let mb = Double(inputBytes * `repeat`) / 1_000_000
        let line = String(
            format: "%@%@: %.3f MB, %d frames, %d %@ in %.3f s: %.1f MB/s, %.0f frames/s",
            `protocol`, driverOnly ? " (driver only)" : "", mb, frames, readings, driverOnly ? "readings" : "events",
            seconds, mb / seconds, Double(frames) / seconds)
        // CPU time too: on a shared machine the wall clock counts other processes' turns.
        print(line + String(format: " (CPU %.3f s: %.1f MB/s, %.0f frames/s)", cpu, mb / cpu, Double(frames) / cpu))
    }

    /// CPU seconds this process has used so far.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
