import Foundation
import HubModel

/// A portal monitor's occupancy (`radiation.occupancy` event) as an ANSI N42.42-2012 document, for
/// systems that take N42 rather than the hub's events. Pure: the same event gives the same bytes.
///
/// The event holds rates, not the monitor's raw samples, so each rate is written as the counts of
/// one second (`GrossCounts` with a `PT1S` live time) and a `Remark` says so: a `Foreground`
/// measurement with the occupancy's peak rates, its duration, the vehicle's speed and
/// `OccupancyIndicator`, a `Background` measurement with the background in force, and a `RadAlarm`
/// per alarming radiation.
public enum N42OccupancyExport {
    /// Why an event cannot be exported.
    public enum Problem: Error, Equatable, Sendable {
        case notAnOccupancy(kind: String)
        case missing(field: String)
    }

    /// The N42.42-2012 document for one `radiation.occupancy` event (it needs `startedAt` and `endedAt`).
    public static func document(for event: InspectionEvent) -> Result<String, Problem> {
        guard event.kind == EventKind.occupancy else { return .failure(.notAnOccupancy(kind: event.kind)) }
        let d: OccupancyPayload
        switch OccupancyPayload.read(event.payload) {
        case .success(let o): d = o
        case .failure(let problem): return .failure(.missing(field: problem.field))
        }
        guard let start = d.startedAt else { return .failure(.missing(field: "startedAt")) }
        guard let end = d.endedAt else { return .failure(.missing(field: "endedAt")) }
        let number = d.occupancyNumber.map(String.init)
        let gammaAlarm = d.gammaAlarm ?? false
        let neutronAlarm = d.neutronAlarm ?? false
        let place = [event.site.map { "site \($0)" }, event.lane.map { "lane \($0)" }].compactMap { $0 }
        var x = XMLWriter()
        x.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.open(
            "RadInstrumentData",
            [("xmlns", N42Document.namespace2012), ("n42DocUUID", uuid(event.id)), ("n42DocDateTime", Timestamp.format(end))])
        x.leaf("RadInstrumentDataCreatorName", "NII Hub")
        x.open("RadInstrumentInformation", [("id", "instrument")])
        x.leaf("RadInstrumentManufacturerName", "unknown")
        x.leaf("RadInstrumentIdentifier", event.device.id)
        x.leaf("RadInstrumentModelName", event.device.profile)
        x.leaf("RadInstrumentClassCode", "Portal Monitor")
        x.open("RadInstrumentVersion")
        x.leaf("RadInstrumentComponentName", "NII Hub export")
        x.leaf("RadInstrumentComponentVersion", InspectionEvent.schemaV1)
        x.close("RadInstrumentVersion")
        x.close("RadInstrumentInformation")
        for (id, category) in [("gamma", "Gamma"), ("neutron", "Neutron")] {
            x.open("RadDetectorInformation", [("id", id)])
            x.leaf("RadDetectorCategoryCode", category)
            x.leaf("RadDetectorKindCode", "Other")
            x.close("RadDetectorInformation")
        }
        x.open("RadItemInformation", [("id", "vehicle")])
        let what = "Vehicle of occupancy \(number ?? "(unnumbered)")" + (place.isEmpty ? "" : " at " + place.joined(separator: ", "))
        x.leaf("RadItemDescription", what)
        x.close("RadItemInformation")
        let gammaBackground = d.gammaBackgroundCps
        let neutronBackground = d.neutronBackgroundCps
        if gammaBackground != nil || neutronBackground != nil {
            x.open("RadMeasurement", [("id", "background")])
            x.leaf("Remark", "Background in force when the vehicle entered: counts per second, written as the counts of one second.")
            x.leaf("MeasurementClassCode", "Background")
            x.leaf("StartDateTime", Timestamp.format(start))
            x.leaf("RealTimeDuration", "PT1S")
            grossCounts(&x, id: "background-gamma", detector: "gamma", cps: gammaBackground)
            grossCounts(&x, id: "background-neutron", detector: "neutron", cps: neutronBackground)
            x.close("RadMeasurement")
        }
        x.open("RadMeasurement", [("id", "occupancy")])
        var remark = "Peak detector rates of the occupancy: counts per second, written as the counts of one second."
        if d.partial == true { remark += " The monitor's record of this occupancy is partial." }
        x.leaf("Remark", remark)
        x.leaf("MeasurementClassCode", "Foreground")
        x.leaf("StartDateTime", Timestamp.format(start))
        x.leaf("RealTimeDuration", duration(max(0, end.timeIntervalSince(start))))
        grossCounts(&x, id: "occupancy-gamma", detector: "gamma", cps: d.maxGammaCps)
        grossCounts(&x, id: "occupancy-neutron", detector: "neutron", cps: d.maxNeutronCps)
        if let speed = d.speedKmh, speed.isFinite, speed >= 0 {
            x.open("RadItemState", [("radItemInformationReference", "vehicle")])
            x.open("StateVector")
            x.leaf("SpeedValue", decimal(speed))
            x.close("StateVector")
            x.close("RadItemState")
        }
        x.leaf("OccupancyIndicator", "true")
        x.close("RadMeasurement")
        if gammaAlarm || neutronAlarm {
            x.open("AnalysisResults", [("radMeasurementReferences", "occupancy")])
            for (on, id, category) in [(gammaAlarm, "gamma", "Gamma"), (neutronAlarm, "neutron", "Neutron")] where on {
                x.open("RadAlarm", [("radDetectorInformationReferences", id)])
                x.leaf("RadAlarmDateTime", Timestamp.format(end))
                x.leaf("RadAlarmCategoryCode", category)
                x.close("RadAlarm")
            }
            x.close("AnalysisResults")
        }
        x.close("RadInstrumentData")
        return .success(x.text)
    }

    private static func grossCounts(_ x: inout XMLWriter, id: String, detector: String, cps: Double?) {
        guard let cps, cps.isFinite, cps >= 0 else { return }
        x.open("GrossCounts", [("id", id), ("radDetectorInformationReference", detector)])
        x.leaf("LiveTimeDuration", "PT1S")
        x.leaf("CountData", decimal(cps))
        x.close("GrossCounts")
    }

    static func duration(_ seconds: Double) -> String { "PT" + decimal(seconds) + "S" }

    /// Plain decimal notation (xs:double accepts exponents, but people and older readers prefer none).
    static func decimal(_ v: Double) -> String {
        let r = (v * 1000).rounded() / 1000
        if r == r.rounded(), abs(r) < 1e15 { return String(Int64(r)) }
        return String(format: "%.3f", r).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    /// A UUID-shaped id derived from the event id, so exporting the same event twice gives the same document.
    static func uuid(_ seed: String) -> String {
        func fnv(_ basis: UInt64) -> UInt64 {
            var h = basis
            for b in seed.utf8 {
                h ^= UInt64(b)
                h = h &* 0x100_0000_01b3
            }
            return h
        }
        let hi = fnv(0xcbf2_9ce4_8422_2325), lo = fnv(0x8422_2325_cbf2_9ce4)
        let hex = String(hi, radix: 16).leftPadded(16) + String(lo, radix: 16).leftPadded(16)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
            + String(c[20..<32])
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Indented XML with escaped text; only what the exporter needs.
struct XMLWriter {
    private(set) var text = ""
    private var depth = 0

    mutating func line(_ s: String) { text += String(repeating: "  ", count: depth) + s + "\n" }

    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        line("<" + name + attributes.map { " \($0.0)=\"\(Self.escape($0.1))\"" }.joined() + ">")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    mutating func leaf(_ name: String, _ value: String) { line("<\(name)>\(Self.escape(value))</\(name)>") }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // Control characters are not allowed in XML 1.0; they have no place in these values.
            case _ where c.value < 32 && c != "\n" && c != "\t": out += " "
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
