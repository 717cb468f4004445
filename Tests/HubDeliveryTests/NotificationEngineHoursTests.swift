import Foundation
import HubDelivery
import HubModel
import HubSite
import HubStore
import Testing

/// The engine's escalation hours, disabled rules and the fold memory a restarted hub rebuilds from
/// the outbox's fold marks. `t0` is 08:00 UTC.
struct NotificationEngineHoursTests {
    typealias T = NotificationEngineTests

    /// An operators' rule on shift 06:00–09:00 that escalates to the chief after 30 min and 2 h.
    static func shiftRule(stepHours: [HourWindow]?) -> NotificationRule {
        NotificationRule(
            name: "shift", hours: [HourWindow(from: 6 * 60, to: 9 * 60)], foldS: 0, notify: [T.operatorMail],
            escalate: [EscalationStep(afterS: 1800, notify: [T.chiefMail]), EscalationStep(afterS: 7200, notify: [T.chiefMail], hours: stepHours)])
    }

    @Test func anEscalationDueOutsideTheRulesHoursIsSuppressedUnlessTheStepHasItsOwn() {
        // 08:00 alarm: the 08:30 step is within the shift; the 10:00 step is past it.
        #expect(T.rows([Self.shiftRule(stepHours: nil)], [T.event("A1")]) == [
            "A1 shift/0/email:op@gate.example/pending",
            "A1 shift/1/email:chief@gate.example/pending unlessAck",
            "A1 shift/2//suppressed",
        ])
        // The second step pages at any hour (an on-call supervisor): `hours: []`.
        #expect(T.rows([Self.shiftRule(stepHours: [])], [T.event("A1")]).last == "A1 shift/2/email:chief@gate.example/pending unlessAck")
        // Its own window 09:00–12:00 takes 10:00.
        #expect(T.rows([Self.shiftRule(stepHours: [HourWindow(from: 9 * 60, to: 12 * 60)])], [T.event("A1")]).last
            == "A1 shift/2/email:chief@gate.example/pending unlessAck")
    }

    @Test func aDisabledRuleTakesNoEvents() {
        var rule = NotificationRule(name: "off", notify: [T.operatorMail])
        rule.enabled = false
        #expect(T.rows([rule], [T.event("A1")]).isEmpty)
    }

    @Test func theFoldMarksOfAMessageRestoreTheFoldMemory() {
        let rule = NotificationRule(name: "r", foldS: 60, notify: [T.operatorMail, T.chiefMail])
        var first = NotificationEngine(rules: [rule], zone: T.utc)
        let made = first.observe(T.event("A1", at: 0)) { _, _, _, _ in "" }
        let marks = Set(made.compactMap(\.fold))
        #expect(marks == [FoldMark(rule: "r", kind: EventKind.radiationAlarm, device: "rpm-1", at: T.t0)])
        // A new engine (a restarted hub) that remembers the mark folds the burst's next alarm; one that does not sends it again.
        var restarted = NotificationEngine(rules: [rule], zone: T.utc)
        restarted.remember(Array(marks))
        #expect(restarted.observe(T.event("A2", at: 30)) { _, _, _, _ in "" }.map(\.state) == [.folded])
        var forgetful = NotificationEngine(rules: [rule], zone: T.utc)
        #expect(forgetful.observe(T.event("A2", at: 30)) { _, _, _, _ in "" }.map(\.state) == [.pending, .pending])
        #expect(restarted.longestFold == 60)
    }
}
