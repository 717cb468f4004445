import Foundation
import HubModel

/// The portal monitor's lane state, as a pure value: lines in, readings out.
///
/// A vehicle's occupancy opens at the first scan or alarm line (GS/GA/NS/NA), reported at once as
/// `occupancyStarted` (pointing at that line only), and closes at GX, reported as one `occupancy`. Background (GB/NB), which the monitor repeats every few seconds,
/// is folded into one summary per `backgroundIntervalS`; a fault or tamper is reported when it starts,
/// repeated at most every `faultRepeatIntervalS`, and reported again when it clears.
public struct RapiscanOccupancyMachine: Sendable {
    public typealias Output = (reading: RadiationPortalReading, span: RawSpan)

    private var options: DriverOptions
    private var occupancy: OpenOccupancy?
    private var background = BackgroundWindow()
    private var lastGammaBackgroundCps: Double?
    private var speedKmh: Double?
    private var faults: [RadiationPortalReading.Fault.Code: FaultState] = [:]
    private var tampered = false
    private var setupLines: [String: [String]] = [:]

    public init(options: DriverOptions = DriverOptions()) {
        self.options = options
    }

    /// New settings; the open occupancy, background window, faults and tamper state are kept.
    public mutating func reconfigure(_ options: DriverOptions) { self.options = options }

    /// True between the first scan line of a vehicle and its GX.
    public var isOccupied: Bool { occupancy != nil }

    /// Codes this machine interprets; anything else is kept raw and counted as unknown.
    public static func interprets(_ code: String) -> Bool {
        switch code {
        case "GB", "GH", "GL", "NB", "NH", "GS", "GA", "NS", "NA", "GX", "SP", "TC", "TT": true
        default: code.hasPrefix("SG") || code.hasPrefix("SN")
        }
    }

    /// Handles one well-formed line observed at `at`; returns nil when its fields do not fit its code.
    public mutating func handle(_ line: RapiscanLine, at: Date) -> [Output]? {
        switch line.code {
        case "GS", "GA", "NS", "NA":
            guard let counts = line.integerFields(), !counts.isEmpty else { return nil }
            return scanSample(code: line.code, counts: counts, at: at)
        case "GB", "NB":
            guard let counts = line.integerFields(), !counts.isEmpty else { return nil }
            return backgroundSample(gamma: line.code == "GB", counts: counts, at: at)
        case "GH", "GL", "NH":
            guard let counts = line.integerFields() else { return nil }
            return fault(RadiationPortalReading.Fault.Code(rawValue: line.code)!, counts: counts, at: at)
        case "GX":
            return endOfOccupancy(line.fields, at: at)
        case "SP":
            // SP,<seconds between beams>,<mph>,<km/h>,…: the km/h field is the one we keep.
            guard line.fields.count >= 3, let kmh = Double(line.fields[2]), kmh.isFinite, kmh >= 0 else { return nil }
            speedKmh = kmh
            return []
        case "TT", "TC":
            let nowTampered = line.code == "TT"
            defer { tampered = nowTampered }
            guard nowTampered != tampered else { return [] }
            return [(.tamper(.init(observedAt: at, tampered: nowTampered)), .segment)]
        default:
            if line.code.hasPrefix("SG") || line.code.hasPrefix("SN") { return setup(line, at: at) }
            return []
        }
    }

    // MARK: - Occupancy

    /// A scan line's counts over one sample of `interval` seconds, as counts per second: the rate
    /// the alarm and occupancy events report and the count-rate series (`RapiscanCountRates`) draws.
    public static func countsPerSecond(_ counts: Int, interval: Double) -> Double {
        Double(counts) / max(interval, 0.001)
    }

    private struct OpenOccupancy {
        var startedAt: Date
        var gammaAlarm = false
        var neutronAlarm = false
        var maxGammaCps: Double?
        var maxNeutronCps: Double?
        var gammaSamples = 0
        var neutronSamples = 0
        var gammaBackgroundCps: Double?
    }

    private mutating func scanSample(code: String, counts: [Int], at: Date) -> [Output] {
        var out: [Output] = []
        // An alarm on the very line that opened the occupancy shares that line's record.
        var alarmSpan = RawSpan.lastFrame
        if occupancy == nil {
            out.append((.occupancyStarted(.init(startedAt: at)), .lastFrame))
            alarmSpan = .previous
        }
        var open = occupancy ?? OpenOccupancy(startedAt: at, gammaBackgroundCps: lastGammaBackgroundCps)
        let gamma = code.first == "G"
        let interval = gamma ? options.gammaSampleIntervalS : options.neutronSampleIntervalS
        let peak = Self.countsPerSecond(counts.max() ?? 0, interval: interval)
        let cps = counts.map { Self.countsPerSecond($0, interval: interval) }
        if gamma {
            open.gammaSamples += 1
            open.maxGammaCps = max(open.maxGammaCps ?? 0, peak)
            if code == "GA", !open.gammaAlarm {
                open.gammaAlarm = true
                out.append((.alarmStarted(.init(observedAt: at, radiation: .gamma, detectorsCps: cps)), alarmSpan))
            }
        } else {
            open.neutronSamples += 1
            open.maxNeutronCps = max(open.maxNeutronCps ?? 0, peak)
            if code == "NA", !open.neutronAlarm {
                open.neutronAlarm = true
                out.append((.alarmStarted(.init(observedAt: at, radiation: .neutron, detectorsCps: cps)), alarmSpan))
            }
        }
        occupancy = open
        return out
    }

    private mutating func endOfOccupancy(_ fields: [String], at: Date) -> [Output]? {
        // GX,<occupancy number>,<neutron background ×1000>,…
        let number = fields.first.flatMap { Int($0) }
        if let first = fields.first, !first.isEmpty, number == nil { return nil }
        let neutronBackground = fields.count > 1 ? Double(fields[1]).map { $0 / 1000 } : nil
        let open = occupancy
        let reading = RadiationPortalReading.Occupancy(
            number: number,
            startedAt: open?.startedAt ?? at,
            endedAt: at,
            gammaAlarm: open?.gammaAlarm ?? false,
            neutronAlarm: open?.neutronAlarm ?? false,
            maxGammaCps: open?.maxGammaCps,
            maxNeutronCps: open?.maxNeutronCps,
            gammaBackgroundCps: open?.gammaBackgroundCps ?? lastGammaBackgroundCps,
            neutronBackgroundCps: neutronBackground,
            speedKmh: speedKmh,
            gammaSamples: open?.gammaSamples ?? 0,
            neutronSamples: open?.neutronSamples ?? 0,
            partial: open == nil
        )
        occupancy = nil
        speedKmh = nil
        return [(.occupancy(reading), .segment)]
    }

    // MARK: - Background

    private struct BackgroundWindow {
        var startedAt: Date?
        var gammaSums: [Double] = []
        var neutronSums: [Double] = []
        var gammaLines = 0
        var neutronLines = 0
    }

    private mutating func backgroundSample(gamma: Bool, counts: [Int], at: Date) -> [Output] {
        var out: [Output] = []
        // A background line from a detector bank means that bank's faults are over.
        let clearing: [RadiationPortalReading.Fault.Code] = gamma ? [.gammaHigh, .gammaLow] : [.neutronHigh]
        for code in clearing {
            if let cleared = clearFault(code, at: at) { out.append(cleared) }
        }
        if background.startedAt == nil { background.startedAt = at }
        if gamma {
            accumulate(&background.gammaSums, counts)
            background.gammaLines += 1
            lastGammaBackgroundCps = Double(counts.reduce(0, +))
        } else {
            accumulate(&background.neutronSums, counts)
            background.neutronLines += 1
        }
        if let start = background.startedAt, at.timeIntervalSince(start) >= options.backgroundIntervalS,
            background.gammaLines > 0
        {
            let w = background
            let g = w.gammaSums.map { $0 / Double(max(w.gammaLines, 1)) }
            let n = w.neutronSums.map { $0 / Double(max(w.neutronLines, 1)) }
            let summary = RadiationPortalReading.BackgroundSummary(
                observedAt: at, windowStartedAt: start,
                gammaCps: w.gammaLines > 0 ? g.reduce(0, +) : nil,
                neutronCps: w.neutronLines > 0 ? n.reduce(0, +) : nil,
                gammaDetectorsCps: g, neutronDetectorsCps: n,
                gammaLines: w.gammaLines, neutronLines: w.neutronLines
            )
            out.append((.background(summary), .segment))
            background = BackgroundWindow()
        }
        return out
    }

    private func accumulate(_ sums: inout [Double], _ counts: [Int]) {
        if sums.count < counts.count { sums += Array(repeating: 0, count: counts.count - sums.count) }
        for (i, c) in counts.enumerated() { sums[i] += Double(c) }
    }

    // MARK: - Faults and setup

    private struct FaultState {
        var lastReportedAt: Date
        var linesSinceReport: Int
    }

    private mutating func fault(_ code: RadiationPortalReading.Fault.Code, counts: [Int], at: Date) -> [Output] {
        if var state = faults[code] {
            state.linesSinceReport += 1
            guard at.timeIntervalSince(state.lastReportedAt) >= options.faultRepeatIntervalS else {
                faults[code] = state
                return []
            }
            faults[code] = FaultState(lastReportedAt: at, linesSinceReport: 0)
            let f = RadiationPortalReading.Fault(
                observedAt: at, code: code, active: true, detectorCounts: counts, lines: state.linesSinceReport)
            return [(.fault(f), .segment)]
        }
        faults[code] = FaultState(lastReportedAt: at, linesSinceReport: 0)
        return [(.fault(.init(observedAt: at, code: code, active: true, detectorCounts: counts, lines: 1)), .segment)]
    }

    private mutating func clearFault(_ code: RadiationPortalReading.Fault.Code, at: Date) -> Output? {
        guard let state = faults.removeValue(forKey: code) else { return nil }
        let f = RadiationPortalReading.Fault(
            observedAt: at, code: code, active: false, detectorCounts: [], lines: state.linesSinceReport)
        return (.fault(f), .segment)
    }

    private mutating func setup(_ line: RapiscanLine, at: Date) -> [Output] {
        let gamma = line.code.hasPrefix("SG")
        // A new first line restarts the block; the block is complete at SG3 (gamma) or SN2 (neutron).
        if line.code == "SG1" || line.code == "SN1" {
            setupLines = setupLines.filter { !$0.key.hasPrefix(gamma ? "SG" : "SN") }
        }
        if setupLines.count < 16 { setupLines[line.code] = line.fields }
        guard line.code == (gamma ? "SG3" : "SN2") else { return [] }
        let block = setupLines.filter { $0.key.hasPrefix(gamma ? "SG" : "SN") }
        setupLines = setupLines.filter { !$0.key.hasPrefix(gamma ? "SG" : "SN") }
        return [(.setup(.init(observedAt: at, radiation: gamma ? "gamma" : "neutron", fields: block)), .segment)]
    }
}
