import Foundation
import HubModel
import HubTesting
import Testing

/// `radiation.measurement` and the instrument's `radiation.alarm` typed, from the real N42 files
/// (2006 and 2012, spectra, gross counts, dose rates, GPS, nuclides).
struct RadiationInstrumentPayloadTests {
    static func corpus() throws -> [InspectionEvent] {
        try Corpus.files(in: "n42", extensions: ["n42", "N42", "xml"]).flatMap {
            InstrumentScanOCREventTests.events("n42", [UInt8](try Data(contentsOf: $0)))
        }
    }

    @Test func everyCorpusEventIsTypedAndExact() throws {
        let events = try Self.corpus()
        #expect(events.count == 490 + 9 + 5 + 1 + 1 + 1 + 1)
        #expect(Set(events.map(\.kind)) == [EventKind.radiationMeasurement, EventKind.radiationAlarm])
        for e in events {
            try PayloadRoundTrip.expectTypedAndExact(
                e, e.kind == EventKind.radiationAlarm ? RadiationAlarmPayload.self : RadiationMeasurementPayload.self)
        }
    }

    @Test func measurementFieldsAreTheDocumentsValues() throws {
        let events = InstrumentScanOCREventTests.events("n42", try Corpus.bytes("n42/Q67_Mobile.N42"))
        guard case .radiationMeasurement(let m)? = events.first(where: { $0.kind == EventKind.radiationMeasurement })?.payload
        else {
            Issue.record("no typed measurement")
            return
        }
        #expect(m.standard == "N42.42-2006")
        #expect(m.startedAt == Timestamp.parse("2024-08-15T19:56:49Z"))
        #expect(m.gammaCounts == 3795 && m.neutronCounts == 2)
        #expect(m.doseRateUSvH == 0.05005)
        #expect(m.lat == 46.28628)
        #expect(m.spectra.first?.channels.count == 1024 && m.spectra.first?.totalCounts == 1869)
        #expect(m.spectra.first?.liveTimeS == 0.99959 && m.spectra.first?.energyCalibration == [0, 3])
        let alarms = events.compactMap { e -> RadiationAlarmPayload? in if case .radiationAlarm(let a) = e.payload { a } else { nil } }
        #expect(alarms.count == 9 && alarms.allSatisfy { $0.source == .instrument && $0.peakCps == nil })
        #expect(alarms.allSatisfy { !($0.measurements ?? []).isEmpty })
    }

    @Test func dataThatIsNotTheKindsStaysUntypedAndExact() throws {
        let events = try Self.corpus()
        let m = try #require(events.first { $0.kind == EventKind.radiationMeasurement })
        try PayloadRoundTrip.expectUntyped(m) { $0["temperatureC"] = .double(21.5) }
        try PayloadRoundTrip.expectUntyped(m) { $0["measurementIndex"] = "first" }
        // A spectrum whose total is not its channels' sum is kept as written, not recomputed.
        try PayloadRoundTrip.expectUntyped(m) { d in
            guard case .array(var spectra)? = d["spectra"], case .object(var s0) = spectra.first else { return }
            s0["totalCounts"] = .double(1)
            spectra[0] = .object(s0)
            d["spectra"] = .array(spectra)
        }
        let alarm = try #require(events.first { $0.kind == EventKind.radiationAlarm })
        try PayloadRoundTrip.expectUntyped(alarm) { $0["source"] = "handheld" }
    }
}
