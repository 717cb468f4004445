import Foundation
import HubCorrelation
import HubModel
import Testing

/// Image analysts' final verdicts in the risk assessment: suspect and physical inspection make a
/// declaration red whatever the trader's standing, naming who judged and what they marked; a clear
/// outweighs the scanner's own suspect detection; a verdict still waiting for its second analyst counts for nothing.
struct ImageVerdictRiskTests {
    let base = RiskAssessorTests()

    func verdict(_ v: ScanVerdictPayload.Verdict, scan: String, by: String, step: ScanVerdictPayload.Step, confirms: String? = nil,
                 final: Bool, regions: [ScanVerdictPayload.Region] = []) -> InspectionEvent {
        let p = ScanVerdictPayload(
            scanEvent: scan, scanId: "XR-1", verdict: v, by: by, reason: v == .clear ? nil : "density", regions: regions, step: step,
            confirms: confirms, final: final, recheck: false)
        return base.event(EventKind.scanVerdict, containers: ["CSQU3054383"], data: p.json, severity: final && v != .clear ? .alarm : .info)
    }

    @Test func aConfirmedSuspectVerdictIsRedForAnAEOTraderAndNamesBothAnalystsAndTheRegion() throws {
        let region = ScanVerdictPayload.Region(image: "top.pgm", x: 800, y: 200, width: 300, height: 150, label: "dense organic mass")
        let first = verdict(.suspect, scan: "S1", by: "lan", step: .first, final: false, regions: [region])
        #expect(first.scanVerdict?.regions == [region], "the event reads back typed")
        let pending = RiskAssessor.assess(base.declaration(aeo: true), linked: [first], policy: RiskPolicy())
        #expect(pending.channel == .green && pending.signals.isEmpty, "a first verdict alone does not count")

        let second = verdict(.suspect, scan: "S1", by: "minh", step: .second, confirms: first.id, final: true)
        let a = RiskAssessor.assess(base.declaration(aeo: true), linked: [first, second], policy: RiskPolicy())
        #expect(a.channel == .red && a.score == 85)
        let s = try #require(a.signals.first { $0.name == "imageSuspect" })
        #expect(s.evidence == [second.id] && s.points == 100)
        #expect(s.detail == "scan XR-1 judged suspect by lan, confirmed by minh: “dense organic mass” on top.pgm (300 × 150 px at 800, 200); reason “density”")
    }

    @Test func aPhysicalInspectionVerdictIsRedToo() {
        let v = verdict(.inspect, scan: "S1", by: "minh", step: .second, final: true)
        let a = RiskAssessor.assess(base.declaration(), linked: [v], policy: RiskPolicy())
        #expect(a.channel == .red && a.signals.map(\.name) == ["imageInspect"])
    }

    @Test func anAnalystsClearOutweighsTheScannersSuspectDetection() {
        let scan = base.event(EventKind.scanResult, containers: ["CSQU3054383"], data: ["atdResult": "suspect"], severity: .alarm)
        let before = RiskAssessor.assess(base.declaration(), linked: [scan], policy: RiskPolicy())
        #expect(before.signals.map(\.name) == ["scanSuspect"] && before.channel == .yellow)
        let clear = verdict(.clear, scan: scan.id, by: "lan", step: .first, final: true)
        let after = RiskAssessor.assess(base.declaration(), linked: [scan, clear], policy: RiskPolicy())
        #expect(after.signals.map(\.name) == ["imageClear"] && after.score == 0 && after.channel == .green)
    }
}
