import Foundation
import HubDrivers
import HubIngest
import HubModel
import HubNormalizer
import HubTesting
import Testing

/// Events of the GPS and seal families validated against the published schema, like the portal
/// monitor's in `EventSchemaTests`.
struct GPSEventSchemaTests {
    static func events(_ protocolName: String, _ chunks: [[UInt8]]) -> [InspectionEvent] {
        let context = DeviceContext(
            device: DeviceRef(id: "decode", profile: protocolName, family: DriverCatalog.family(of: protocolName)!),
            site: "gate-3", lane: "1")
        var d = FeedDecoder(protocolName: protocolName, context: context, options: DriverOptions(), ids: EventIDGenerator())!
        return chunks.flatMap { d.push($0[...], receivedAt: Date()).events } + d.finish(receivedAt: Date()).events
    }

    static func allKinds() throws -> [InspectionEvent] {
        let nmea = try Corpus.files(in: "nmea", extensions: ["log"]).flatMap { events("nmea", [[UInt8](try Data(contentsOf: $0))]) }
        let gt06 = events("gt06", try TrackerCorpus.rows("tracker/gt06-frames.jsonl").map(\.bytes))
        let teltonika = events("teltonika", try TrackerCorpus.rows("tracker/teltonika-codec8-frames.jsonl").map(\.bytes))
        let seals = ["LOCK", "UNLOCK", "DOOR", "SHOCK", "DROP", "CUT", "TAMPER", "LOWBAT", "POS", "HB"].enumerated().map {
            Array("##S,eSeal,S-1,\($0),\($1),20261125031500,-33.5,151.25,\($0 * 10),E##\r\n".utf8)
        }
        return nmea + gt06 + teltonika + events("eseal", seals)
    }

    @Test func everyGPSAndSealEventMatchesTheSchema() throws {
        let events = try Self.allKinds()
        #expect(Set(events.map(\.kind)) == ["gps.fix", "seal.status", "device.status"])
        #expect(Set(events.compactMap { $0.kind == "seal.status" ? $0.data["status"]?.stringValue : nil }) == Set(SealStatus.Status.allCases.map(\.rawValue)))
        let result = try EventSchemaTests.validate(try events.map { try $0.jsonLine() })
        #expect(result.status == 0, "\(result.report)")
    }

    @Test func theSchemaHoldsSealSeverityToItsStatus() throws {
        var event = try #require(try Self.allKinds().first { $0.kind == "seal.status" && $0.data["status"] == "cut" })
        event.severity = .info
        var noStatus = event
        noStatus.severity = .alarm
        noStatus.data["status"] = nil
        var badFix = try #require(try Self.allKinds().first { $0.kind == "gps.fix" })
        badFix.data["fixQuality"] = -1
        let result = try EventSchemaTests.validate([try event.jsonLine(), try noStatus.jsonLine(), try badFix.jsonLine()])
        #expect(result.status == 1)
        #expect(result.report.contains("line 1") && result.report.contains("line 2") && result.report.contains("line 3"))
    }
}
