import Foundation
import HubCorrelation
import HubModel
import Testing

/// A partner administration's verified package (`package.received`) in the risk assessment: it is
/// always explained, and lowers a declared yellow to green only when the policy allows it, for an
/// AEO trader, and never past a radiation alarm or a suspect scan.
struct PartnerClearanceRiskTests {
    let base = RiskAssessorTests()

    func received(cleared: Bool) -> InspectionEvent {
        let payload = PackageReceivedPayload(
            partner: "kh-customs", country: "KH", partnerDeclaration: "KH-2026-0042", partnerSite: "bavet", signer: "CN=Bavet hub",
            packageSHA256: String(repeating: "ab", count: 32), bytes: 10_240, members: 12,
            created: Date(timeIntervalSince1970: 1_795_000_000), inspectedAt: Date(timeIntervalSince1970: 1_794_990_000), cleared: cleared,
            summary: "verified")
        return InspectionEvent(
            id: base.ids.next(at: Date()), kind: EventKind.packageReceived, device: DeviceRef(id: "partner-packages", profile: "partner-package", family: "package"),
            site: "s", lane: nil, observedAt: Date(), receivedAt: Date(), subject: Subject(containers: ["CSQU3054383"]),
            payload: payload.payload, severity: .info, raw: RawRef(sha256: String(repeating: "0", count: 64), format: "t"))
    }

    var lowering: RiskPolicy {
        var p = RiskPolicy()
        p.partnerClearanceLowersYellow = true
        return p
    }

    @Test func theClearanceIsExplainedWithThePartnerAndTheDayButChangesNothingByDefault() throws {
        let clear = received(cleared: true)
        let a = RiskAssessor.assess(base.declaration(channel: .yellow, aeo: true), linked: [clear], policy: RiskPolicy())
        let s = try #require(a.signals.first { $0.name == "partnerCleared" })
        #expect(s.points == 0 && s.evidence == [clear.id])
        #expect(s.detail.hasPrefix("inspected and cleared by kh-customs (KH) on 2026-11-18T08:20:00.000Z, verified"), "\(s.detail)")
        #expect(a.channel == .yellow, "the default policy never lowers")
        #expect(RiskAssessor.assess(base.declaration(channel: .yellow, aeo: true), linked: [received(cleared: false)], policy: lowering)
            .signals.allSatisfy { $0.name != "partnerCleared" }, "a package with an alarm clears nothing")
    }

    @Test func aPolicyLowersYellowToGreenOnlyForAnAEOTrader() {
        let clear = received(cleared: true)
        let aeo = RiskAssessor.assess(base.declaration(channel: .yellow, aeo: true), linked: [clear], policy: lowering)
        #expect(aeo.channel == .green && aeo.declaredChannel == .yellow)
        #expect(aeo.signals.first { $0.name == "partnerCleared" }?.detail.contains("lowers the declared yellow channel to green") == true)
        #expect(RiskAssessor.assess(base.declaration(channel: .yellow, aeo: false), linked: [clear], policy: lowering).channel == .yellow)
        #expect(RiskAssessor.assess(base.declaration(channel: .red, aeo: true), linked: [clear], policy: lowering).channel == .red)
    }

    @Test func neverPastARadiationAlarmOrASuspectScan() {
        let clear = received(cleared: true)
        // Weights so low that the score alone would be green: the alarm and the scan still hold yellow.
        var light = lowering
        light.weights["radiationAlarm"] = 5
        light.weights["scanSuspect"] = 5
        let alarmed = base.event("gate.passage", containers: ["CSQU3054383", "TCNU7200794"], data: ["gammaAlarm": true], severity: .alarm)
        let a = RiskAssessor.assess(base.declaration(channel: .yellow, aeo: true), linked: [clear, alarmed], policy: light)
        #expect(a.signals.map(\.name).contains("radiationAlarm") && a.score < light.yellowFrom && a.channel == .yellow)
        let scan = base.event("scan.result", containers: ["CSQU3054383"], severity: .alarm)
        let b = RiskAssessor.assess(base.declaration(channel: .yellow, aeo: true), linked: [clear, scan], policy: light)
        #expect(b.signals.map(\.name).contains("scanSuspect") && b.channel == .yellow)
        // With the default weights an alarm is red whatever the partner saw.
        #expect(RiskAssessor.assess(base.declaration(channel: .green, aeo: false), linked: [clear, alarmed], policy: lowering).channel == .red)
    }
}
