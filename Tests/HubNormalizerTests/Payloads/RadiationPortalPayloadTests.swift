import Foundation
import HubDrivers
import HubIngest
import HubModel
import HubNormalizer
import HubTesting
import Testing

/// The portal monitor's kinds typed: decoded from the real RPM-Simulator feeds (and a recorded
/// fault, tamper and setup sequence), read back exactly, and left untyped when the JSON is not theirs.
struct RadiationPortalPayloadTests {
    static let corpus: [InspectionEvent] = {
        (try? EventSchemaTests.events(from: "rpm/S2-C3-NORM2.csv") + EventSchemaTests.events(from: "rpm/S2-C0-NONE.csv")) ?? []
    }()

    /// Lines as a monitor sends them on its serial port: a gamma-high fault and its end, the cabinet
    /// opened and closed, the gamma setup block.
    static let deviceLines = """
        GB,000400,000400,000400,000400\r
        GH,009000,009000,009000,009000\r
        GB,000400,000400,000400,000400\r
        TC,0\r
        TT,1\r
        TC,0\r
        SG1,000200,000010\r
        SG2,000300\r
        SG3,001000,000004\r

        """

    static func deviceEvents() -> [InspectionEvent] {
        let context = DeviceContext(
            device: DeviceRef(id: "rpm-1", profile: "rapiscan-rpm", family: "radiation-portal"), site: "gate-3", lane: "2")
        var decoder = FeedDecoder(protocolName: "rpm", context: context, options: DriverOptions(), ids: EventIDGenerator())!
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        return decoder.push(Array(deviceLines.utf8)[...], receivedAt: at).events + decoder.finish(receivedAt: at).events
    }

    @Test func corpusEventsAreTypedAndExact() throws {
        let kinds = [
            EventKind.occupancyStart: OccupancyStartPayload.self, EventKind.occupancy: OccupancyPayload.self,
            EventKind.radiationAlarm: RadiationAlarmPayload.self, EventKind.radiationBackground: RadiationBackgroundPayload.self,
        ] as [String: any EventPayloadBody.Type]
        #expect(Set(Self.corpus.map(\.kind)) == Set(kinds.keys))
        for e in Self.corpus { try PayloadRoundTrip.expectTypedAndExact(e, try #require(kinds[e.kind])) }
    }

    @Test func occupancyFieldsAreTheFeedsValues() throws {
        let occ = try #require(Self.corpus.lazy.compactMap(\.occupancy).first)
        #expect(occ.gammaAlarm == true && occ.neutronAlarm == false)
        #expect(occ.startedAt == Timestamp.parse("2016-06-01T22:05:00.378Z"))
        #expect(occ.endedAt == Timestamp.parse("2016-06-01T22:05:11.151Z"))
        #expect(occ.occupancyNumber == 109)
        #expect(occ.durationS == 10.773)
        #expect(occ.partial == false)
        // The members the normalizer wrote before the payloads were typed, and no other: a round trip
        // alone would not see a member the type forgot to write.
        let event = try #require(Self.corpus.first { $0.kind == EventKind.occupancy })
        #expect(Set(event.data.keys) == [
            "gammaAlarm", "neutronAlarm", "gammaSamples", "neutronSamples", "partial", "occupancyNumber", "startedAt",
            "endedAt", "durationS", "maxGammaCps", "maxNeutronCps", "gammaBackgroundCps", "neutronBackgroundCps", "speedKmh",
        ])
        #expect(event.data["durationS"] == .double(10.773) && event.data["occupancyNumber"] == .int(109))
        let start = try #require(Self.corpus.lazy.compactMap(\.occupancyStart).first)
        #expect(start.startedAt == Timestamp.parse("2016-06-01T22:05:00.378Z"))
        let alarm = try #require(Self.corpus.lazy.compactMap { e -> RadiationAlarmPayload? in
            if case .radiationAlarm(let a) = e.payload { a } else { nil }
        }.first)
        #expect(alarm.source == .portalMonitor && alarm.radiation == "gamma")
        #expect(alarm.peakCps == alarm.detectorsCps?.max())
        let high = Self.corpus.compactMap { e -> RadiationBackgroundPayload? in
            if case .radiationBackground(let b) = e.payload, b.outOfBand != nil { b } else { nil }
        }
        #expect(!high.isEmpty && high.allSatisfy { $0.outOfBand == [.gammaHigh] && ($0.gammaCps ?? 0) > 1545 })
    }

    @Test func faultTamperAndSetupAreTypedAndExact() throws {
        let events = Self.deviceEvents()
        let faults = events.compactMap(\.radiationFault)
        #expect(faults.map(\.active) == [true, false])
        #expect(faults.first?.fault == "gamma-high" && faults.first?.code == "GH")
        #expect(faults.first?.detectorCounts == [9000, 9000, 9000, 9000])
        #expect(events.compactMap(\.tamper).map(\.tampered) == [true, false])
        let config = try #require(events.lazy.compactMap { e -> DeviceConfigPayload? in
            if case .deviceConfig(let c) = e.payload { c } else { nil }
        }.first)
        #expect(config.radiation == "gamma")
        #expect(config.setup == ["SG1": ["000200", "000010"], "SG2": ["000300"], "SG3": ["001000", "000004"]])
        let types: [String: any EventPayloadBody.Type] = [
            EventKind.radiationFault: RadiationFaultPayload.self, EventKind.deviceTamper: TamperPayload.self,
            EventKind.deviceConfig: DeviceConfigPayload.self, EventKind.radiationBackground: RadiationBackgroundPayload.self,
        ]
        #expect(Set(events.map(\.kind)).isSuperset(of: [EventKind.radiationFault, EventKind.deviceTamper, EventKind.deviceConfig]))
        for e in events { try PayloadRoundTrip.expectTypedAndExact(e, try #require(types[e.kind])) }
    }

    @Test func dataThatIsNotTheKindsStaysUntypedAndExact() throws {
        let occ = try #require(Self.corpus.first { $0.kind == EventKind.occupancy })
        try PayloadRoundTrip.expectUntyped(occ) { $0["lineVoltage"] = .double(11.9) }
        try PayloadRoundTrip.expectUntyped(occ) { $0["gammaAlarm"] = "yes" }
        try PayloadRoundTrip.expectUntyped(occ) { $0["startedAt"] = "yesterday" }
        // A time the writer would print otherwise (no milliseconds) is kept as it was written.
        try PayloadRoundTrip.expectUntyped(occ) { $0["endedAt"] = "2016-06-01T22:05:11Z" }
        let tamper = try #require(Self.deviceEvents().first { $0.kind == EventKind.deviceTamper })
        try PayloadRoundTrip.expectUntyped(tamper) { $0["tamper"] = "yes" }
        let background = try #require(Self.corpus.first { $0.kind == EventKind.radiationBackground })
        try PayloadRoundTrip.expectUntyped(background) { $0["outOfBand"] = .array(["neutronLow"]) }
    }

    /// The consumers read the typed occupancy: the export finds its times in the payload, and a
    /// stored occupancy missing a member its type requires says which.
    @Test func theN42ExportReadsTheTypedOccupancy() throws {
        let occ = try #require(Self.corpus.first { $0.kind == EventKind.occupancy })
        let stored = try JSONDecoder().decode(InspectionEvent.self, from: Data(try occ.jsonLine().utf8))
        let doc = try N42OccupancyExport.document(for: stored).get()
        #expect(doc.contains("<StartDateTime>2016-06-01T22:05:00.378Z</StartDateTime>"))
        #expect(doc.contains("Vehicle of occupancy 109"))
        var noAlarm = occ
        noAlarm.data["gammaAlarm"] = "yes"
        #expect(N42OccupancyExport.document(for: noAlarm) == .failure(.missing(field: "gammaAlarm")))
    }
}
