import Foundation
import HubModel
import Testing

/// The hub's own events (`risk.assessment`, `transit.*`) read back typed from the JSON lines the
/// store keeps, and write the same bytes; a line that does not fit its type stays untyped, unchanged.
struct HubAuthoredPayloadTests {
    static func line(kind: String, data: String) -> String {
        "{\"data\":\(data),\"device\":{\"family\":\"hub\",\"id\":\"hub\",\"profile\":\"hub\"},\"id\":\"01KAWCWE00ABCDEFGHJKMNPQRS\","
            + "\"kind\":\"\(kind)\",\"observedAt\":\"2026-12-04T10:00:00.000Z\",\"raw\":{\"format\":\"niihub\",\"sha256\":\""
            + String(repeating: "a", count: 64) + "\"},\"receivedAt\":\"2026-12-04T10:00:01.000Z\",\"schema\":\"niihub.event/1\","
            + "\"severity\":\"alarm\",\"subject\":{\"declaration\":\"26BG001\"}}"
    }

    static func decode(_ line: String) throws -> InspectionEvent {
        try JSONDecoder().decode(InspectionEvent.self, from: Data(line.utf8))
    }

    static let risk = line(
        kind: "risk.assessment",
        data: "{\"channel\":\"red\",\"declarationVersion\":2,\"declaredChannel\":\"green\",\"escalated\":true,"
            + "\"modifiers\":{\"aeo\":-10},\"score\":72.5,\"signals\":[{\"detail\":\"gamma alarm at gate-3\","
            + "\"evidence\":[\"01KAWCWE00ABCDEFGHJKMNPQRT\"],\"points\":60,\"signal\":\"gammaAlarm\"}]}")

    @Test func riskAssessmentReadsTypedAndWritesTheSameLine() throws {
        let event = try Self.decode(Self.risk)
        let p = try #require(event.riskAssessment)
        #expect(p.channel == "red" && p.declaredChannel == "green" && p.escalated)
        #expect(p.declarationVersion == 2 && p.score == 72.5 && p.modifiers == ["aeo": -10])
        #expect(p.signals == [.init(signal: "gammaAlarm", points: 60, detail: "gamma alarm at gate-3", evidence: ["01KAWCWE00ABCDEFGHJKMNPQRT"])])
        #expect(try event.jsonLine() == Self.risk)
        let rebuilt = try RiskAssessmentPayload(json: event.data)
        #expect(rebuilt == p && JSONValue.sameJSON(rebuilt.json, event.data))
    }

    @Test(arguments: [
        "{\"finding\":\"deviation\",\"detail\":\"412 m off the corridor for 3 fixes (buffer 250 m)\",\"distanceM\":412,\"lat\":42.5,\"lon\":27.25}",
        "{\"finding\":\"signal-lost\",\"detail\":\"no position for 900 s\"}",
    ])
    func transitFindingReadsTypedAndWritesTheSameLine(data: String) throws {
        let sorted = String(decoding: try JSONSerialization.data(
            withJSONObject: JSONSerialization.jsonObject(with: Data(data.utf8)), options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        let finding = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])["finding"] as! String
        let line = Self.line(kind: "transit." + finding, data: sorted)
        let event = try Self.decode(line)
        let p = try #require(event.transitFinding)
        #expect(p.finding == finding)
        if finding == "deviation" {
            #expect(p.distanceM == 412 && p.lat == 42.5 && p.lon == 27.25)
        } else {
            #expect(p.lat == nil && p.lon == nil && p.distanceM == nil)
        }
        #expect(try event.jsonLine() == line)
    }

    @Test(arguments: [
        // an extra member, a mistyped member, a signal without evidence, a latitude without longitude
        ("risk.assessment", risk.replacingOccurrences(of: "\"signal\":\"gammaAlarm\"}]}", with: "\"signal\":\"gammaAlarm\"}],\"x\":1}")),
        ("risk.assessment", risk.replacingOccurrences(of: "\"declarationVersion\":2", with: "\"declarationVersion\":\"2\"")),
        ("risk.assessment", risk.replacingOccurrences(of: "\"evidence\":[\"01KAWCWE00ABCDEFGHJKMNPQRT\"],", with: "")),
        ("transit.stop", line(kind: "transit.stop", data: "{\"detail\":\"stopped\",\"finding\":\"stop\",\"lat\":42.5}")),
    ])
    func aLineThatDoesNotFitStaysUntypedAndUnchanged(kind: String, line: String) throws {
        let event = try Self.decode(line)
        guard case .untyped = event.payload else {
            Issue.record("\(kind) read typed: \(event.payload)")
            return
        }
        #expect(try event.jsonLine() == line)
    }

    @Test func everyTransitFindingKindIsRegistered() {
        for finding in TransitFindingPayload.findings {
            let data: [String: JSONValue] = ["finding": .string(finding), "detail": "d"]
            #expect(EventPayload(kind: "transit." + finding, json: data) == .transitFinding(.init(finding: finding, detail: "d")))
        }
    }

    static let passage = line(
        kind: "gate.passage",
        data: "{\"alarmed\":false,\"ambiguities\":[{\"candidates\":[\"01M9179B518BK5X5TH55DRGDAF\",\"01M917A0XD5V16YAHD6MYZ92P5\"],"
            + "\"event\":\"01M9179WZX2HRBPPEAC3PAQG1V\",\"reason\":\"the read falls within the windows of several vehicles\"}],"
            + "\"ambiguous\":true,\"endedAt\":\"2026-12-04T19:08:00.720Z\",\"entryEvent\":\"01M9179B518BK5X5TH55DRGDAF\","
            + "\"events\":[\"01M9179B518BK5X5TH55DRGDAF\",\"01M9179WZX2HRBPPEAC3PAQG1V\"],\"gammaAlarm\":true,\"missing\":[\"scan\"],"
            + "\"neutronAlarm\":false,\"passage\":\"01M9179B518BK5X5TH55DRGDAF\",\"revision\":4,"
            + "\"startedAt\":\"2026-12-04T19:07:50.621Z\",\"supersedes\":[\"01M9179X00B8XP72JMDZ37SK34\"]}")

    @Test func aPassageReadsTypedAndWritesTheSameLine() throws {
        let event = try Self.decode(Self.passage)
        let p = try #require(event.passage)
        #expect(p.passage == "01M9179B518BK5X5TH55DRGDAF" && p.revision == 4 && p.ambiguous == true && p.alarmed == false)
        #expect(Timestamp.format(p.startedAt) == "2026-12-04T19:07:50.621Z" && Timestamp.format(p.endedAt) == "2026-12-04T19:08:00.720Z")
        #expect(p.gammaAlarm == true && p.neutronAlarm == false && p.missing == ["scan"] && p.events.count == 2)
        #expect(p.ambiguities?.first?.candidates == ["01M9179B518BK5X5TH55DRGDAF", "01M917A0XD5V16YAHD6MYZ92P5"])
        #expect(event.supersededPassages == ["01M9179X00B8XP72JMDZ37SK34"])
        #expect(try event.jsonLine() == Self.passage)
    }

    @Test func aResolutionReadsTypedAndWritesTheSameLine() throws {
        let line = Self.line(
            kind: "gate.passage-resolution",
            data: "{\"event\":\"01M9179WZX2HRBPPEAC3PAQG1V\",\"passage\":\"01M9179B518BK5X5TH55DRGDAF\",\"resolvedBy\":\"op1\","
                + "\"supersedes\":[\"01M917A0XD5V16YAHD6MYZ92P5\"]}")
        let event = try Self.decode(line)
        #expect(event.passageResolution == PassageResolutionPayload(
            event: "01M9179WZX2HRBPPEAC3PAQG1V", passage: "01M9179B518BK5X5TH55DRGDAF", resolvedBy: "op1",
            supersedes: ["01M917A0XD5V16YAHD6MYZ92P5"]))
        #expect(event.supersededPassages == ["01M917A0XD5V16YAHD6MYZ92P5"])
        #expect(try event.jsonLine() == line)
    }

    /// A passage with a member this version does not know, or an ambiguity without its reason, is
    /// kept as stored.
    @Test(arguments: [
        "{\"endedAt\":\"2026-12-04T19:08:00.720Z\",\"events\":[],\"lanePhysics\":1,\"passage\":\"P\",\"startedAt\":\"2026-12-04T19:07:50.621Z\"}",
        "{\"ambiguities\":[{\"candidates\":[],\"event\":\"E\"}],\"endedAt\":\"2026-12-04T19:08:00.720Z\",\"events\":[],\"passage\":\"P\",\"startedAt\":\"2026-12-04T19:07:50.621Z\"}",
    ])
    func aPassageThatDoesNotFitStaysAsStored(data: String) throws {
        let line = Self.line(kind: "gate.passage", data: data)
        let event = try Self.decode(line)
        #expect(event.passage == nil && !event.payload.isTyped)
        #expect(try event.jsonLine() == line)
    }
}

