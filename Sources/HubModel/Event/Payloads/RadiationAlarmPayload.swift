import Foundation

/// `radiation.alarm`: a portal monitor's alarm as it starts, or an N42 instrument's alarm with the
/// nuclides it identified. `source` says which; the members of the other source are absent.
public struct RadiationAlarmPayload: EventPayloadBody {
    public static let kinds = [EventKind.radiationAlarm]

    /// Which kind of device raised the alarm.
    public enum Source: String, Sendable, Equatable, CaseIterable {
        case portalMonitor = "portal-monitor"
        case instrument
    }

    /// A nuclide an instrument identified.
    public struct Nuclide: Sendable, Equatable {
        public var name: String
        /// The instrument's confidence, on its own scale (usually 0–100).
        public var confidence: Double?
        /// `Industrial`, `Medical`, `NORM`, `SNM`, … as the instrument says.
        public var category: String?

        public init(name: String, confidence: Double? = nil, category: String? = nil) {
            self.name = name
            self.confidence = confidence
            self.category = category
        }
    }

    /// `gamma`, `neutron` (portal) or the instrument's own word for the radiation.
    public var radiation: String
    public var source: Source
    /// Portal: counts per second per detector in the alarming sample.
    public var detectorsCps: [Double]?
    /// Portal: the highest detector rate, counts per second (written as `gammaCps` or `neutronCps`).
    public var peakCps: Double?
    /// Instrument: the measurements the alarm refers to.
    public var measurements: [String]?
    /// Instrument: the detectors that alarmed.
    public var detectors: [String]?
    /// Instrument: the nuclides identified.
    public var nuclides: [Nuclide]?
    /// Instrument: the instrument that raised it.
    public var instrument: RadiationInstrumentReading.Instrument?
    /// Instrument: its own text for the alarm.
    public var description: String?
    /// Instrument: the identification algorithm.
    public var algorithm: String?

    /// A portal monitor's alarm.
    public init(portal radiation: String, detectorsCps: [Double], peakCps: Double) {
        self.radiation = radiation
        source = .portalMonitor
        self.detectorsCps = detectorsCps
        self.peakCps = peakCps
    }

    /// An instrument's alarm.
    public init(
        instrument: RadiationInstrumentReading.Instrument, radiation: String, measurements: [String], detectors: [String],
        nuclides: [Nuclide], description: String?, algorithm: String?
    ) {
        self.radiation = radiation
        source = .instrument
        self.measurements = measurements
        self.detectors = detectors
        self.nuclides = nuclides
        self.instrument = instrument
        self.description = description
        self.algorithm = algorithm
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        radiation = try f.string("radiation")
        source = try f.value("source", as: Source.self)
        detectorsCps = try NestedPayloadJSON.doubles(&f, "detectorsCps")
        // Only a portal's alarm names its peak after the radiation (`gammaCps`).
        peakCps = source == .portalMonitor ? try f.optionalDouble("\(radiation)Cps") : nil
        measurements = try f.strings("measurements")
        detectors = try f.strings("detectors")
        nuclides = try NestedPayloadJSON.objects(&f, "nuclides") { n in
            Nuclide(name: try n.string("name"), confidence: try n.optionalDouble("confidence"), category: try n.optionalString("category"))
        }
        instrument = try NestedPayloadJSON.object(&f, "instrument", RadiationInstrumentReading.Instrument.init(fields:))
        description = try f.optionalString("description")
        algorithm = try f.optionalString("algorithm")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = ["radiation": .string(radiation), "source": .string(source.rawValue)]
        if let v = detectorsCps { o["detectorsCps"] = .array(v.map { .double($0) }) }
        o.put("\(radiation)Cps", peakCps)
        o.put("measurements", measurements)
        o.put("detectors", detectors)
        if let v = nuclides {
            o["nuclides"] = .array(
                v.map { n in
                    var x: [String: JSONValue] = ["name": .string(n.name)]
                    x.put("confidence", n.confidence)
                    x.put("category", n.category)
                    return .object(x)
                })
        }
        if let i = instrument { o["instrument"] = i.json }
        o.put("description", description)
        o.put("algorithm", algorithm)
        return o
    }

    public var payload: EventPayload { .radiationAlarm(self) }
}

extension RadiationInstrumentReading.Instrument {
    /// Reads the `instrument` object of a measurement or an instrument alarm.
    init(fields f: inout PayloadFields) throws {
        self.init(
            manufacturer: try f.optionalString("manufacturer"), model: try f.optionalString("model"),
            identifier: try f.optionalString("identifier"), classCode: try f.optionalString("class"))
        if let v = f.raw("versions") {
            guard case .object(let o) = v else { throw PayloadError(field: "versions", reason: "not an object") }
            versions = try o.mapValues {
                guard case .string(let s) = $0 else { throw PayloadError(field: "versions", reason: "not strings") }
                return s
            }
        }
    }

    /// The `instrument` object as the event JSON has it (empty members left out).
    var json: JSONValue {
        var o: [String: JSONValue] = [:]
        o.put("manufacturer", manufacturer)
        o.put("model", model)
        o.put("identifier", identifier)
        o.put("class", classCode)
        if !versions.isEmpty { o["versions"] = .object(versions.mapValues { .string($0) }) }
        return .object(o)
    }
}
