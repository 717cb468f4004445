import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// The N42.42-2012 export of portal occupancies, checked against the published 2012 schema by an
/// independent validator (`xmllint`, Debian libxml2-utils) and read back through the n42 driver.
struct N42OccupancyExportTests {
    static func occupancy(alarms: (Bool, Bool) = (true, false), speed: Double? = 8.07) -> InspectionEvent {
        var data: [String: JSONValue] = [
            "gammaAlarm": .bool(alarms.0), "neutronAlarm": .bool(alarms.1),
            "startedAt": "2016-06-01T22:05:00.378Z", "endedAt": "2016-06-01T22:05:11.151Z",
            "occupancyNumber": 109, "maxGammaCps": 3885, "maxNeutronCps": 6, "gammaBackgroundCps": 1527,
            "neutronBackgroundCps": 6.383, "durationS": 10.773, "partial": false,
        ]
        if let speed { data["speedKmh"] = .double(speed) }
        return InspectionEvent(
            id: "01J0000000000000000000000A", kind: "radiation.occupancy",
            device: DeviceRef(id: "rpm-1", profile: "rapiscan-rpm", family: "radiation-portal"), site: "gate <3> & co",
            lane: "2", observedAt: Timestamp.parse("2016-06-01T22:05:11.151Z")!, receivedAt: Date(), data: data,
            severity: .alarm, raw: RawRef(sha256: String(repeating: "a", count: 64), format: "rapiscan-lines"))
    }

    /// Runs `xmllint --noout --schema` on documents; returns its exit status and report.
    static func xmllint(_ documents: [String]) throws -> (status: Int32, report: String) {
        let dir = try TemporaryDirectory("n42-export")
        var paths: [String] = []
        for (i, d) in documents.enumerated() { paths.append(try dir.write("doc\(i).n42", d)) }
        let r = try runTool(["xmllint", "--noout", "--schema", Corpus.url("n42/n42-2012.xsd").path] + paths)
        return (r.status, r.output)
    }

    @Test func exportsValidateAgainstTheN42Schema() throws {
        let docs = try [
            Self.occupancy(), Self.occupancy(alarms: (false, false), speed: nil), Self.occupancy(alarms: (true, true)),
        ].map { try N42OccupancyExport.document(for: $0).get() }
        let result = try Self.xmllint(docs)
        #expect(result.status == 0, "\(result.report)")
        #expect(result.report.contains("validates"))
    }

    @Test func theValidatorCatchesABrokenDocument() throws {
        let doc = try N42OccupancyExport.document(for: Self.occupancy()).get()
        let broken = doc.replacingOccurrences(of: "<MeasurementClassCode>Foreground", with: "<MeasurementClassCode>Sideways")
        #expect(try Self.xmllint([broken]).status != 0)
    }

    @Test func anExportReadsBackThroughTheN42Driver() throws {
        let doc = try N42OccupancyExport.document(for: Self.occupancy(alarms: (true, true))).get()
        #expect(doc == (try N42OccupancyExport.document(for: Self.occupancy(alarms: (true, true))).get()), "pure")
        #expect(doc.contains("gate &lt;3&gt; &amp; co"))
        let r = DriverRun(N42Driver(), Array(doc.utf8))
        #expect(r.measurements.map(\.classCode) == ["Background", "Foreground"])
        let fg = r.measurements[1]
        #expect(fg.startedAt == Timestamp.parse("2016-06-01T22:05:00.378Z"))
        #expect(fg.realTimeS == 10.773)
        #expect(fg.grossCounts.map(\.counts) == [3885, 6])
        #expect(fg.grossCounts.map(\.category) == ["Gamma", "Neutron"])
        #expect(r.measurements[0].grossCounts.map(\.counts) == [1527, 6.383])
        #expect(Set(r.alarms.map(\.radiation)) == ["gamma", "neutron"])
        #expect(r.alarms.allSatisfy { $0.measurements == ["occupancy"] && $0.observedAt == Timestamp.parse("2016-06-01T22:05:11.151Z") })
    }

    @Test func onlyOccupanciesWithTimesAreExported() {
        var other = Self.occupancy()
        other.kind = "radiation.background"
        #expect(N42OccupancyExport.document(for: other) == .failure(.notAnOccupancy(kind: "radiation.background")))
        // A vehicle's start has a startedAt too, but it is not a measurement: only its occupancy is exported.
        var start = Self.occupancy()
        start.kind = "radiation.occupancy-start"
        start.data = ["startedAt": "2016-06-01T22:05:00.378Z"]
        #expect(N42OccupancyExport.document(for: start) == .failure(.notAnOccupancy(kind: "radiation.occupancy-start")))
        var noStart = Self.occupancy()
        noStart.data["startedAt"] = nil
        #expect(N42OccupancyExport.document(for: noStart) == .failure(.missing(field: "startedAt")))
    }
}
