import Foundation
import HubModel

/// The count-rate series of one portal occupancy, read from the monitor's own lines (an occupancy
/// event's raw record) with the driver's line parser and the occupancy machine's sample lengths,
/// so every rate is the figure the hub's events report for the same line.
///
/// A record holds the lines since the previous segment: background lines, then the vehicle's scan
/// lines (GS/GA gamma, NS/NA neutron), then GX. Should it hold more than one occupancy, the last is read.
public struct RapiscanCountRates: Sendable, Equatable {
    /// One scan line.
    public struct Sample: Sendable, Equatable, Codable {
        /// Seconds after the occupancy's first scan line.
        public var offsetS: Double
        /// Counts per second of each detector.
        public var detectorsCps: [Double]
        /// The monitor marked the line an alarm (GA, NA).
        public var alarm: Bool

        public init(offsetS: Double, detectorsCps: [Double], alarm: Bool) {
            self.offsetS = offsetS
            self.detectorsCps = detectorsCps
            self.alarm = alarm
        }
    }

    /// Where the offsets come from.
    public enum Timing: String, Sendable, Codable {
        /// Every scan line carried a recorder's timestamp (a recorded feed): offsets are those times.
        case recorded
        /// The lines as a monitor sends them, without times: the n-th sample of a kind is n sample
        /// lengths (the profile's `gammaSampleIntervalS`, `neutronSampleIntervalS`) after the first.
        case sampleInterval = "sample-interval"
    }

    public var gamma: [Sample] = []
    public var neutron: [Sample] = []
    /// The last gamma background line before the occupancy, per detector (the monitor's background
    /// lines are counts per second already, as the occupancy machine reads them); nil without one.
    public var gammaBackgroundDetectorsCps: [Double]?
    /// The last neutron background line before the occupancy, per detector.
    public var neutronBackgroundDetectorsCps: [Double]?
    public var timing: Timing = .sampleInterval
    /// The record ends the occupancy with its GX line.
    public var ended = false

    public init() {}

    /// The series in `bytes` (lines ended by LF or CR LF), with a device's sample lengths and time zone.
    public static func read(_ bytes: [UInt8], options: DriverOptions = DriverOptions()) -> RapiscanCountRates {
        struct Scan {
            var gamma: Bool
            var alarm: Bool
            var cps: [Double]
            var at: Date?
        }
        var scans: [Scan] = []
        var out = RapiscanCountRates()
        // Background lines while the lane is empty; the ones in force when a vehicle enters are its background.
        var lastGamma: [Double]?, lastNeutron: [Double]?
        for raw in bytes.split(separator: UInt8(ascii: "\n")) {
            let content = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
            guard let line = RapiscanLine.parse(content, utcOffsetSeconds: options.utcOffsetSeconds) else { continue }
            switch line.code {
            case "GS", "GA", "NS", "NA":
                guard let counts = line.integerFields(), !counts.isEmpty else { continue }
                if scans.isEmpty || out.ended {
                    // A vehicle enters (a second occupancy in the same record replaces the first).
                    scans = []
                    out.ended = false
                    out.gammaBackgroundDetectorsCps = lastGamma
                    out.neutronBackgroundDetectorsCps = lastNeutron
                }
                let gamma = line.code.first == "G"
                let interval = gamma ? options.gammaSampleIntervalS : options.neutronSampleIntervalS
                scans.append(
                    Scan(
                        gamma: gamma, alarm: line.code.last == "A",
                        cps: counts.map { rounded(RapiscanOccupancyMachine.countsPerSecond($0, interval: interval)) }, at: line.timestamp))
            case "GB", "NB":
                guard scans.isEmpty || out.ended, let counts = line.integerFields(), !counts.isEmpty else { continue }
                let perDetector = counts.map(Double.init)
                if line.code == "GB" { lastGamma = perDetector } else { lastNeutron = perDetector }
            case "GX":
                out.ended = true
            default:
                continue
            }
        }
        let times = scans.compactMap(\.at)
        out.timing = !scans.isEmpty && times.count == scans.count ? .recorded : .sampleInterval
        let first = times.min()
        var gammaIndex = 0, neutronIndex = 0
        for s in scans {
            let offset: Double
            if out.timing == .recorded, let at = s.at, let first {
                offset = at.timeIntervalSince(first)
            } else {
                offset = s.gamma ? Double(gammaIndex) * options.gammaSampleIntervalS : Double(neutronIndex) * options.neutronSampleIntervalS
            }
            let sample = Sample(offsetS: rounded(offset), detectorsCps: s.cps, alarm: s.alarm)
            if s.gamma {
                out.gamma.append(sample)
                gammaIndex += 1
            } else {
                out.neutron.append(sample)
                neutronIndex += 1
            }
        }
        return out
    }

    /// Three decimals, as the events write derived rates (no float noise such as 560.0000000000001).
    private static func rounded(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}
