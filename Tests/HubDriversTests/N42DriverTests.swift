import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Framing, streams of documents, and the 2006 `Event` wrapper, with small documents written here.
struct N42DriverTests {
    static func doc2012(_ id: String, counts: String = "0 2 5 7 0 3 1") -> String {
        """
        <?xml version="1.0"?>
        <n42:RadInstrumentData xmlns:n42="http://physics.nist.gov/N42/2011/N42">
          <n42:RadInstrumentInformation id="i"><n42:RadInstrumentManufacturerName>Acme</n42:RadInstrumentManufacturerName>
            <n42:RadInstrumentModelName>Probe</n42:RadInstrumentModelName><n42:RadInstrumentClassCode>Other</n42:RadInstrumentClassCode>
          </n42:RadInstrumentInformation>
          <n42:RadDetectorInformation id="g"><n42:RadDetectorCategoryCode>Gamma</n42:RadDetectorCategoryCode></n42:RadDetectorInformation>
          <n42:RadMeasurement id="\(id)">
            <n42:MeasurementClassCode>Foreground</n42:MeasurementClassCode>
            <n42:StartDateTime>2026-01-31T08:00:00Z</n42:StartDateTime>
            <n42:RealTimeDuration>PT10S</n42:RealTimeDuration>
            <n42:Spectrum id="s" radDetectorInformationReference="g"><n42:LiveTimeDuration>PT9.5S</n42:LiveTimeDuration>
              <n42:ChannelData compressionCode="CountedZeroes">\(counts)</n42:ChannelData></n42:Spectrum>
            <n42:DoseRate id="d" radDetectorInformationReference="g"><n42:DoseRateValue>0.12</n42:DoseRateValue></n42:DoseRate>
          </n42:RadMeasurement>
          <n42:AnalysisResults radMeasurementReferences="\(id)">
            <n42:RadAlarm radDetectorInformationReferences="g"><n42:RadAlarmCategoryCode>Gamma</n42:RadAlarmCategoryCode>
              <n42:RadAlarmDescription>over threshold</n42:RadAlarmDescription></n42:RadAlarm>
          </n42:AnalysisResults>
        </n42:RadInstrumentData>

        """
    }

    @Test func aPrefixedDocumentWithAnAlarm() throws {
        let r = DriverRun(N42Driver(), Array(Self.doc2012("m1").utf8))
        let m = try #require(r.measurements.first)
        #expect(m.spectra[0].channels == [0, 0, 5, 7, 0, 0, 0, 1])
        #expect(m.spectra[0].totalCounts == 13)
        #expect(m.doseRates == [.init(detector: "g", uSvPerH: 0.12)])
        #expect(m.alarmed)
        let a = try #require(r.alarms.first)
        #expect(a.description == "over threshold" && a.measurements == ["m1"] && a.detectors == ["g"])
        #expect(a.observedAt == Timestamp.parse("2026-01-31T08:00:00Z"))
    }

    @Test func documentsBackToBackOnAStreamAreFramedAtTheirRootClose() throws {
        let stream = Array((Self.doc2012("a") + Self.doc2012("b") + Self.doc2012("c")).utf8)
        // Without finish: each document is decoded as soon as its root closes.
        let r = DriverRun(N42Driver(), stream, chunk: 7, finish: false)
        #expect(r.measurements.map(\.id) == ["a", "b", "c"])
        #expect(r.counters.frames == 3)
        #expect(r.frames.reduce(0) { $0 + $1.count } + 1 == stream.count, "all but the last newline is archived")
        // Readings after the first of a document share its archived bytes.
        let spans = r.steps.compactMap { if case .reading(_, let s) = $0 { s } else { nil } }
        #expect(spans == [.segment, .previous, .segment, .previous, .segment, .previous])
    }

    @Test func the2006EventWrapperAndEmbeddedResults() throws {
        let xml = """
            <N42InstrumentData xmlns="http://physics.nist.gov/Divisions/Div846/Gp4/ANSIN4242/2005/ANSIN4242">
             <Event>
              <Measurement>
               <InstrumentInformation><Manufacturer>Acme</Manufacturer><InstrumentModel>Portal</InstrumentModel></InstrumentInformation>
               <DetectorData>
                <StartTime>2026-01-31T08:00:00</StartTime><SampleRealTime>PT2S</SampleRealTime>
                <DetectorMeasurement Detector="N1" DetectorType="Neutron">
                 <GrossCountMeasurement><GrossCounts>12</GrossCounts><LiveTime>PT1.9S</LiveTime></GrossCountMeasurement>
                </DetectorMeasurement>
                <DetectorMeasurement Detector="G1" DetectorType="Gamma">
                 <SpectrumMeasurement><Alarmed>true</Alarmed>
                  <Spectrum><Calibration Type="Energy" ID="c1"><Equation><Coefficients>1 2</Coefficients></Equation></Calibration>
                   <LiveTime>PT1.8S</LiveTime><ChannelData>1 2 3</ChannelData></Spectrum>
                  <Spectrum CalibrationIDs="c1"><LiveTime>PT1.8S</LiveTime><ChannelData>4 0 2</ChannelData></Spectrum>
                 </SpectrumMeasurement>
                </DetectorMeasurement>
               </DetectorData>
               <AnalysisResults><NuclideAnalysis><Nuclide><NuclideName>Co-60</NuclideName></Nuclide></NuclideAnalysis></AnalysisResults>
              </Measurement>
             </Event>
            </N42InstrumentData>
            """
        var options = DriverOptions()
        options.utcOffsetSeconds = 7 * 3600
        let r = DriverRun(N42Driver(options: options), Array(xml.utf8))
        let m = try #require(r.measurements.first)
        #expect(r.measurements.count == 1)
        #expect(m.startedAt == Timestamp.parse("2026-01-31T01:00:00Z"), "local time at the device's offset")
        #expect(m.warnings.contains { $0.contains("time without zone") })
        #expect(m.instrument.manufacturer == "Acme")
        #expect(m.grossCounts == [.init(detector: "N1", category: "Neutron", counts: 12, liveTimeS: 1.9)])
        #expect(m.spectra.map(\.channels) == [[1, 2, 3], [4, 0, 2]], "uncompressed data is taken as is")
        #expect(m.spectra.map(\.energyCalibration) == [[1, 2], [1, 2]], "embedded, then by reference")
        #expect(m.alarmed)
        let a = try #require(r.alarms.first)
        #expect(r.alarms.count == 1)
        #expect(a.radiation == "gamma" && a.detectors == ["G1"] && a.nuclides.map(\.name) == ["Co-60"])
    }

    @Test func aDocumentCutOffKeepsTheMeasurementsBeforeTheBreak() throws {
        let whole = Self.doc2012("m1")
        let cut = String(whole.prefix(upTo: whole.range(of: "<n42:AnalysisResults")!.lowerBound))
        let r = DriverRun(N42Driver(), Array(cut.utf8))
        #expect(r.measurements.count == 1)
        #expect(r.measurements[0].warnings.contains { $0.contains("not well-formed") })
        #expect(r.alarms.isEmpty)
    }

    @Test func notXMLAndOtherXMLAreCountedNotDecoded() {
        let garbage = DriverRun(N42Driver(), Array("hello, this is not xml".utf8))
        #expect(garbage.readings.isEmpty && garbage.counters.rejected["garbage"] == 1)
        #expect(garbage.frames.count == 1, "archived all the same")
        let other = DriverRun(N42Driver(), Array("<html><body>hi</body></html>".utf8))
        #expect(other.readings.isEmpty && other.counters.unknownCodes["html"] == 1)
        let empty = DriverRun(N42Driver(), Array(" \n ".utf8))
        #expect(empty.steps.isEmpty)
    }

    @Test func anOverlongDocumentIsCutAndTheStreamRecovers() {
        var driver = N42Driver(maxDocumentBytes: 4096)
        var steps: [DriverStep] = []
        let huge = Self.doc2012("big", counts: String(repeating: "1 ", count: 50_000))
        let bytes = Array((huge + Self.doc2012("next")).utf8)
        var i = 0
        while i < bytes.count {
            driver.push(bytes[i..<min(i + 1000, bytes.count)], receivedAt: Date(), into: &steps)
            i += 1000
        }
        driver.finish(receivedAt: Date(), into: &steps)
        #expect(driver.counters.rejected["overlong"] == 1)
        let ids = steps.compactMap { s -> String? in
            if case .reading(.radiationInstrument(.measurement(let m)), _) = s { m.id } else { nil }
        }
        #expect(ids == ["next"])
        let frames = steps.compactMap { s -> Int? in if case .frame(let f) = s { f.count } else { nil } }
        #expect(frames.first == 4096, "only the head of the over-long document is kept")
    }

    @Test func rootEndIsFoundWithOrWithoutAPrefix() {
        #expect(N42Driver.rootEnd(in: Array("<a></RadInstrumentData> x".utf8), from: 0) == 23)
        #expect(N42Driver.rootEnd(in: Array("</n42:N42InstrumentData>".utf8), from: 0) == 24)
        #expect(N42Driver.rootEnd(in: Array("</RadInstrumentDataX>".utf8), from: 0) == nil)
    }
}
