import Foundation
import HubDrivers
import HubModel

/// Feeds bytes to a driver in chunks, as a transport would, and collects what it hands on.
struct DriverRun {
    var steps: [DriverStep] = []
    var counters = DecodeCounters()

    init(_ driver: some DeviceDriver, _ bytes: [UInt8], chunk: Int = 65_536, finish: Bool = true) {
        var driver = driver
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + max(chunk, 1), bytes.count)
            driver.push(bytes[offset..<end], receivedAt: at, into: &steps)
            offset = end
        }
        if finish { driver.finish(receivedAt: at, into: &steps) }
        counters = driver.counters
    }

    var readings: [DeviceReading] {
        steps.compactMap { if case .reading(let r, _) = $0 { r } else { nil } }
    }

    var frames: [[UInt8]] { steps.compactMap { if case .frame(let f) = $0 { f } else { nil } } }

    var measurements: [RadiationInstrumentReading.Measurement] {
        readings.compactMap { if case .radiationInstrument(.measurement(let m)) = $0 { m } else { nil } }
    }

    var alarms: [RadiationInstrumentReading.Alarm] {
        readings.compactMap { if case .radiationInstrument(.alarm(let a)) = $0 { a } else { nil } }
    }

    var ocrReads: [OCRReading] { readings.compactMap { if case .ocr(let r) = $0 { r } else { nil } } }

    var scans: [ScanResultDocument] { readings.compactMap { if case .scan(let d) = $0 { d } else { nil } } }
}

/// A small deterministic generator, so property tests replay the same inputs.
struct Lcg: RandomNumberGenerator {
    var s: UInt64
    mutating func next() -> UInt64 {
        s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return s
    }
}
