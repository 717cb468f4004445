import Foundation
import HubDrivers
import HubModel
import Testing

/// The encoders simulators use, checked through the drivers that decode the same protocol: what a
/// simulated device means is exactly what the hub reads.
struct EncoderRoundTripTests {
    static let at = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func gt06LoginPositionHeartbeatAndSealAlarm() throws {
        let p = GT06Encoder.Position(at: Self.at, lat: 11.062345, lon: -106.187654, speedKmh: 42, courseDeg: 271)
        let login = try #require(GT06Encoder.login(imei: "864717003283581", serial: 1))
        let bytes = login + GT06Encoder.location(p, serial: 2) + GT06Encoder.heartbeat(armed: true, serial: 3)
            + GT06Encoder.alarm(p, code: 0x14, armed: true, serial: 4)
        let run = DriverRun(GT06Driver(), bytes: bytes, chunk: 7)
        #expect(run.counters.rejectedTotal == 0)
        #expect(run.statuses.first?.unitID == "864717003283581")
        #expect(run.replies.count == 3)  // login, heartbeat, alarm
        #expect(run.replies.first == GT06Encoder.frame(protocolNumber: 0x01, content: [], serial: 1))
        #expect(run.fixes.count == 2)
        let fix = try #require(run.fixes.first)
        #expect(abs(fix.lat - p.lat) < 1e-6 && abs(fix.lon - p.lon) < 1e-6)
        #expect(fix.observedAt == Self.at && fix.speedKmh == 42 && fix.courseDeg == 271)
        #expect(run.seals.map(\.status).contains(.opened))
        #expect(GT06Encoder.login(imei: "12345", serial: 1) == nil)
    }

    @Test func teltonikaHandshakeAndCodec8() {
        let records = (0..<3).map {
            TeltonikaEncoder.Record(at: Self.at.addingTimeInterval(Double($0)), lat: 21.0285 + Double($0) / 1000,
                                    lon: 105.8542, altitudeM: 12, courseDeg: 90, speedKmh: 30)
        }
        let run = DriverRun(
            TeltonikaDriver(), bytes: TeltonikaEncoder.handshake(imei: "356307042441013") + TeltonikaEncoder.codec8(records))
        #expect(run.counters.rejectedTotal == 0)
        #expect(run.fixes.map(\.lat) == records.map { ($0.lat * 1e7).rounded() / 1e7 })
        #expect(run.fixes.allSatisfy { $0.unitID == "356307042441013" && $0.speedKmh == 30 })
        #expect(run.replies == [[0x01], [0, 0, 0, 3]])
    }

    @Test func nmeaEpochsDecodeToTheirFixes() throws {
        let fixes = (0..<20).map { i in
            NMEAEncoder.Fix(at: Self.at.addingTimeInterval(Double(i)), lat: -33.5 + Double(i) * 0.00013,
                            lon: 151.2 - Double(i) * 0.00021, speedKmh: 36, courseDeg: 200)
        }
        let run = DriverRun(NMEADriver(), bytes: fixes.flatMap { NMEAEncoder.epoch($0).joined() })
        #expect(run.counters.rejectedTotal == 0)
        // One fix per RMC and one per GGA.
        #expect(run.fixes.count == 40)
        for (i, f) in fixes.enumerated() {
            let decoded = run.fixes[i * 2]
            #expect(abs(decoded.lat - f.written.lat) < 1e-9 && abs(decoded.lon - f.written.lon) < 1e-9)
            #expect(abs(decoded.lat - f.lat) < 1e-5)
            #expect(decoded.observedAt == f.at)
        }
    }

    @Test func n42MeasurementDecodesWithItsCounts() throws {
        var m = N42MeasurementWriter.Measurement(
            id: "m-7", instrumentID: "SIM-N42-1", startedAt: Self.at, realTimeS: 30, gammaChannels: [0, 3, 9, 27, 5, 0],
            neutronCounts: 4, doseRateUSvH: 0.12, lat: 10.5, lon: 106.7, alarmNuclide: "Cs-137")
        m.energyCalibrationKeV = [1.5, 2.75, 0.001]
        (m.nuclideConfidence, m.nuclideCategory) = (87, "Industrial")
        let run = DriverRun(N42Driver(), Array(N42MeasurementWriter.document(m).utf8))
        let decoded = try #require(run.measurements.first)
        #expect(decoded.spectra.first?.totalCounts == 44)
        #expect(decoded.grossCounts.first?.counts == 4)
        #expect(decoded.doseRates.first?.uSvPerH == 0.12)
        #expect(decoded.latitude == 10.5 && decoded.longitude == 106.7)
        #expect(decoded.startedAt == Self.at && decoded.alarmed)
        #expect(run.alarms.first?.nuclides.first?.name == "Cs-137")
        #expect(run.alarms.first?.nuclides.first?.confidence == 87 && run.alarms.first?.nuclides.first?.category == "Industrial")
        #expect(decoded.spectra.first?.energyCalibration == [1.5, 2.75, 0.001])
    }

    @Test func scanResultDecodes() throws {
        let s = ScanResultWriter.Scan(
            scanID: "scan-1", scannerID: "SCN-1", lane: "2", startedAt: Self.at, durationS: 40, containers: ["CSQU3054383"],
            plate: "51C-123.45", images: [(name: "scan-1-side.png", sha256: String(repeating: "ab", count: 32), bytes: 68)],
            suspect: true)
        let run = DriverRun(ScanResultDriver(), ScanResultWriter.json(s))
        let doc = try #require(run.scans.first)
        #expect(doc.scanID == "scan-1" && doc.containers == ["CSQU3054383"] && doc.plate == "51C-123.45")
        #expect(doc.threatDetection?.result == .suspect && doc.threatDetection?.regions.count == 1)
        #expect(doc.images.first?.sha256 == String(repeating: "ab", count: 32))
    }

    @Test func esealReportIsAcknowledged() {
        let bytes = ESealEncoder.report(id: "VNSEAL01", sequence: 12, event: "CUT", time: "20260131081502", lat: "10.5",
                                        lon: "106.7", battery: "80")
        let run = DriverRun(ESealDriver(), bytes)
        #expect(run.seals.first?.status == .cut)
        let acks = ESealEncoder.acks(in: String(decoding: run.replies.joined(), as: UTF8.self))
        #expect(acks.count == 1 && acks.first?.id == "VNSEAL01" && acks.first?.sequence == 12)
    }
}
