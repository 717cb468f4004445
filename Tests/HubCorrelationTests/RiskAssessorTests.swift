import Foundation
import HubCorrelation
import HubModel
import Testing

struct RiskAssessorTests {
    let ids = EventIDGenerator()

    func event(_ kind: String, containers: [String]? = nil, plates: [String]? = nil, seals: [String]? = nil,
               data: [String: JSONValue] = [:], severity: Severity = .info) -> InspectionEvent {
        // Passages and resolutions carry the members the hub always writes, so they read typed.
        var data = data
        let required: [String: [String: JSONValue]] = [
            "gate.passage": ["passage": "P", "startedAt": "2026-12-04T10:00:00.000Z", "endedAt": "2026-12-04T10:00:10.000Z",
                             "events": .array([])],
            "gate.passage-resolution": ["event": "E", "passage": "P", "resolvedBy": "op"],
        ]
        data.merge(required[kind] ?? [:]) { given, _ in given }
        return InspectionEvent(
            id: ids.next(at: Date()), kind: kind, device: DeviceRef(id: "d", profile: "p", family: "f"), site: "s",
            lane: "1", observedAt: Date(), receivedAt: Date(),
            subject: Subject(containers: containers, seals: seals, plates: plates), data: data, severity: severity,
            raw: RawRef(sha256: String(repeating: "0", count: 64), format: "t"))
    }

    func declaration(channel: Declaration.Channel = .green, aeo: Bool = false, level: String? = nil) -> Declaration {
        Declaration(
            number: "D1", type: .import, office: "03CE", trader: .init(tin: "0301234567", aeo: aeo, complianceLevel: level),
            containers: ["CSQU3054383", "TCNU7200794"], seals: ["VN1"], plates: ["51C12345"], channel: channel)
    }

    @Test func aCleanPassageStaysGreen() {
        let p = event("gate.passage", containers: ["CSQU3054383", "TCNU7200794"], plates: ["51C12345"],
                      data: ["gammaAlarm": false, "neutronAlarm": false])
        let a = RiskAssessor.assess(declaration(), linked: [p], policy: RiskPolicy())
        #expect(a.score == 0 && a.channel == .green && a.signals.isEmpty)
    }

    /// Position fixes are no evidence: a tracker's fix naming the second container does not make it
    /// seen at the gate, and fixes alone assess as nothing at all.
    @Test func positionFixesAreNotEvidence() {
        let p = event("gate.passage", containers: ["CSQU3054383"], plates: ["51C12345"])
        let fix = event("gps.fix", containers: ["TCNU7200794"], seals: ["VN1"],
                        data: ["lat": 10.8, "lon": 106.7, "fixQuality": "gps"], severity: .info)
        let a = RiskAssessor.assess(declaration(), linked: [p, fix], policy: RiskPolicy())
        #expect(a.signals.map(\.name) == ["missingContainer"])
        #expect(a.signals.first?.detail.contains("TCNU7200794") == true)
        #expect(RiskAssessor.assess(declaration(), linked: [fix], policy: RiskPolicy()).signals.isEmpty)
    }

    @Test func radiationAlarmAndAnUndeclaredContainerGoRedWithTheirEvidence() {
        let p = event("gate.passage", containers: ["CSQU3054383", "TCNU7200794", "GYOU4047990"], plates: ["51C12345"],
                      data: ["gammaAlarm": true], severity: .alarm)
        let a = RiskAssessor.assess(declaration(), linked: [p], policy: RiskPolicy())
        #expect(a.signals.map(\.name) == ["radiationAlarm", "undeclaredContainer"])
        #expect(a.signals.allSatisfy { $0.evidence == [p.id] })
        #expect(a.signals.first { $0.name == "undeclaredContainer" }?.detail.contains("GYOU4047990") == true)
        #expect(a.score == 95 && a.channel == .red)
    }

    @Test func anAlarmOnAnAmbiguousPassageMakesEveryCandidateRedUntilAnOperatorResolvesIt() {
        // Truck A (declaration D1, plate 51C12345) alarmed; a plate read the hub cannot place between
        // A and the truck behind (declaration D2, plate 51C99999) is held by both passages.
        let d2 = Declaration(
            number: "D2", type: .import, office: "03CE", trader: .init(tin: "0301234568"), containers: ["GYOU4047990"],
            plates: ["51C99999"], channel: .green)
        let alarmed = event("gate.passage", containers: ["CSQU3054383", "TCNU7200794"], plates: ["51C12345", "51C99999"],
                            data: ["passage": "A", "revision": 1, "gammaAlarm": true, "ambiguous": true], severity: .alarm)
        let behind = event("gate.passage", containers: ["GYOU4047990"], plates: ["51C99999"],
                           data: ["passage": "B", "revision": 1, "ambiguous": true], severity: .warning)
        #expect(RiskAssessor.assess(declaration(), linked: [alarmed], policy: RiskPolicy()).channel == .red)
        #expect(RiskAssessor.assess(d2, linked: [alarmed, behind], policy: RiskPolicy()).channel == .red, "never lowered on a doubt")
        // The operator: the read was truck B's. New revisions, and a resolution linked to both.
        let alarmed2 = event("gate.passage", containers: ["CSQU3054383", "TCNU7200794"], plates: ["51C12345"],
                             data: ["passage": "A", "revision": 2, "gammaAlarm": true, "supersedes": .array([.string(alarmed.id)])], severity: .alarm)
        let behind2 = event("gate.passage", containers: ["GYOU4047990"], plates: ["51C99999"],
                            data: ["passage": "B", "revision": 2, "supersedes": .array([.string(behind.id)])])
        let resolution = event("gate.passage-resolution", plates: ["51C12345", "51C99999"],
                               data: ["supersedes": .array([.string(alarmed.id), .string(behind.id)])])
        let b = RiskAssessor.assess(d2, linked: [alarmed, behind, resolution, behind2], policy: RiskPolicy())
        #expect(b.channel == .green && b.signals.isEmpty)
        let a = RiskAssessor.assess(declaration(), linked: [alarmed, resolution, alarmed2], policy: RiskPolicy())
        #expect(a.channel == .red && a.signals.first { $0.name == "radiationAlarm" }?.evidence == [alarmed2.id])
    }

    @Test func modifiersLowerTheScoreButNeverTheDeclaredChannel() {
        let p = event("gate.passage", containers: ["CSQU3054383"], plates: ["29H99999"])
        // Missing container (20) + plate mismatch (10) = 30, yellow; an AEO with high compliance: 5, green.
        let plain = RiskAssessor.assess(declaration(), linked: [p], policy: RiskPolicy())
        #expect(plain.score == 30 && plain.channel == .yellow)
        let trusted = RiskAssessor.assess(declaration(aeo: true, level: "high"), linked: [p], policy: RiskPolicy())
        #expect(trusted.score == 5 && trusted.channel == .green)
        #expect(trusted.modifiers == ["aeo": -15, "complianceHigh": -10])
        let setRed = RiskAssessor.assess(declaration(channel: .red, aeo: true), linked: [p], policy: RiskPolicy())
        #expect(setRed.channel == .red, "the hub only escalates")
    }

    @Test func transitAnomaliesCount() {
        let dev = event("transit.deviation", seals: ["VN1"], severity: .alarm)
        let opened = event("transit.seal", seals: ["VN1"], severity: .alarm)
        var policy = RiskPolicy()
        policy.weights["transitDeviation"] = 25
        let a = RiskAssessor.assess(declaration(), linked: [dev, opened], policy: policy)
        #expect(a.signals.map(\.name) == ["transitDeviation", "transitSealOpened"])
        #expect(a.score == 75 && a.channel == .red)
    }
}
