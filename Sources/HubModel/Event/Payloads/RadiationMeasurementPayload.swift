import Foundation

/// `radiation.measurement`: one measurement of an N42.42 instrument, with the totals and rates the
/// normalizer derives from it (rounded when the payload is built).
public struct RadiationMeasurementPayload: EventPayloadBody {
    public static let kinds = [EventKind.radiationMeasurement]
    public typealias Reading = RadiationInstrumentReading

    /// `N42.42-2006` or `N42.42-2012` (kept as text: a later edition must not make a stored event unreadable).
    public var standard: String
    /// The measurement's id in its document.
    public var measurementId: String
    /// Its place among the document's measurements (0-based) and how many there are.
    public var measurementIndex: Int
    public var measurementCount: Int
    /// Whether the instrument flagged this measurement.
    public var alarmed: Bool
    public var instrument: Reading.Instrument
    public var detectors: [Reading.Detector]
    /// Spectra; `channelCount` and `totalCounts` (rounded to 6 places) are written from the channels.
    public var spectra: [Reading.Spectrum]
    public var grossCounts: [Reading.GrossCount]
    /// `Foreground`, `Background`, … (2012 `MeasurementClassCode`).
    public var measurementClass: String?
    public var startedAt: Date?
    /// Real (clock) time of the measurement, seconds.
    public var realTimeS: Double?
    /// The longest live time of its spectra or gross counts, seconds.
    public var liveTimeS: Double?
    /// Gamma counts over all gamma spectra and gross counts.
    public var gammaCounts: Double?
    /// Gamma counts per second of live time.
    public var gammaCps: Double?
    /// Neutron counts over all neutron spectra and gross counts.
    public var neutronCounts: Double?
    /// Neutron counts per second of live time.
    public var neutronCps: Double?
    /// The highest dose rate, µSv/h.
    public var doseRateUSvH: Double?
    /// Every dose rate, µSv/h.
    public var doseRates: [Reading.DoseRate]?
    /// Where the measurement was taken, degrees (WGS 84), and its altitude in metres.
    public var lat: Double?
    public var lon: Double?
    public var altitudeM: Double?
    /// What the decoder noticed in the document (unknown units, clipped values, …).
    public var warnings: [String]?

    public init(
        standard: String, measurementId: String, measurementIndex: Int, measurementCount: Int, alarmed: Bool,
        instrument: Reading.Instrument, detectors: [Reading.Detector], spectra: [Reading.Spectrum],
        grossCounts: [Reading.GrossCount]
    ) {
        self.standard = standard
        self.measurementId = measurementId
        self.measurementIndex = measurementIndex
        self.measurementCount = measurementCount
        self.alarmed = alarmed
        self.instrument = instrument
        self.detectors = detectors
        self.spectra = spectra
        self.grossCounts = grossCounts
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        standard = try f.string("standard")
        measurementId = try f.string("measurementId")
        measurementIndex = try f.int("measurementIndex")
        measurementCount = try f.int("measurementCount")
        alarmed = try f.bool("alarmed")
        guard let i = try NestedPayloadJSON.object(&f, "instrument", Reading.Instrument.init(fields:)) else {
            throw PayloadError(field: "instrument", reason: "missing")
        }
        instrument = i
        detectors = try NestedPayloadJSON.objects(&f, "detectors") { d in
            Reading.Detector(
                name: try d.string("name"), category: try d.optionalString("category"), kind: try d.optionalString("kind"),
                description: try d.optionalString("description"))
        } ?? []
        spectra = try NestedPayloadJSON.objects(&f, "spectra") { s in
            // Derived from the channels; the edge's check that the JSON writes back the same covers them.
            _ = try s.int("channelCount")
            _ = try s.double("totalCounts")
            return Reading.Spectrum(
                detector: try s.optionalString("detector"), category: try s.optionalString("category"),
                liveTimeS: try s.optionalDouble("liveTimeS"), realTimeS: try s.optionalDouble("realTimeS"),
                channels: try NestedPayloadJSON.doubles(&s, "channels") ?? [],
                energyCalibration: try NestedPayloadJSON.doubles(&s, "energyCalibration"))
        } ?? []
        grossCounts = try NestedPayloadJSON.objects(&f, "grossCounts") { g in
            Reading.GrossCount(
                detector: try g.optionalString("detector"), category: try g.optionalString("category"),
                counts: try g.double("counts"), liveTimeS: try g.optionalDouble("liveTimeS"))
        } ?? []
        measurementClass = try f.optionalString("measurementClass")
        startedAt = try f.optionalDate("startedAt")
        realTimeS = try f.optionalDouble("realTimeS")
        liveTimeS = try f.optionalDouble("liveTimeS")
        gammaCounts = try f.optionalDouble("gammaCounts")
        gammaCps = try f.optionalDouble("gammaCps")
        neutronCounts = try f.optionalDouble("neutronCounts")
        neutronCps = try f.optionalDouble("neutronCps")
        doseRateUSvH = try f.optionalDouble("doseRateUSvH")
        doseRates = try NestedPayloadJSON.objects(&f, "doseRates") { d in
            Reading.DoseRate(detector: try d.optionalString("detector"), uSvPerH: try d.double("doseRateUSvH"))
        }
        lat = try f.optionalDouble("lat")
        lon = try f.optionalDouble("lon")
        altitudeM = try f.optionalDouble("altitudeM")
        warnings = try f.strings("warnings")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [
            "standard": .string(standard), "measurementId": .string(measurementId),
            "measurementIndex": .int(Int64(measurementIndex)), "measurementCount": .int(Int64(measurementCount)),
            "alarmed": .bool(alarmed), "instrument": instrument.json,
            "detectors": .array(detectors.map(Self.json)), "spectra": .array(spectra.map(Self.json)),
            "grossCounts": .array(grossCounts.map(Self.json)),
        ]
        o.put("measurementClass", measurementClass)
        o.put("startedAt", startedAt)
        o.put("realTimeS", realTimeS)
        o.put("liveTimeS", liveTimeS)
        o.put("gammaCounts", gammaCounts)
        o.put("gammaCps", gammaCps)
        o.put("neutronCounts", neutronCounts)
        o.put("neutronCps", neutronCps)
        o.put("doseRateUSvH", doseRateUSvH)
        if let v = doseRates {
            o["doseRates"] = .array(
                v.map { d in
                    var x: [String: JSONValue] = ["doseRateUSvH": .double(d.uSvPerH)]
                    x.put("detector", d.detector)
                    return .object(x)
                })
        }
        o.put("lat", lat)
        o.put("lon", lon)
        o.put("altitudeM", altitudeM)
        o.put("warnings", warnings)
        return o
    }

    public var payload: EventPayload { .radiationMeasurement(self) }

    private static func json(_ d: Reading.Detector) -> JSONValue {
        var o: [String: JSONValue] = ["name": .string(d.name)]
        o.put("category", d.category)
        o.put("kind", d.kind)
        o.put("description", d.description)
        return .object(o)
    }

    private static func json(_ s: Reading.Spectrum) -> JSONValue {
        var o: [String: JSONValue] = [
            "channelCount": .int(Int64(s.channels.count)),
            "totalCounts": .double(Self.round6(s.totalCounts)),
            "channels": .array(s.channels.map(NestedPayloadJSON.count)),
        ]
        o.put("detector", s.detector)
        o.put("category", s.category)
        o.put("liveTimeS", s.liveTimeS)
        o.put("realTimeS", s.realTimeS)
        if let c = s.energyCalibration { o["energyCalibration"] = .array(c.map { .double($0) }) }
        return .object(o)
    }

    private static func json(_ g: Reading.GrossCount) -> JSONValue {
        var o: [String: JSONValue] = ["counts": .double(g.counts)]
        o.put("detector", g.detector)
        o.put("category", g.category)
        o.put("liveTimeS", g.liveTimeS)
        return .object(o)
    }

    /// `totalCounts` as the normalizer has always written it: the channels' sum to 6 places.
    private static func round6(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }
}
