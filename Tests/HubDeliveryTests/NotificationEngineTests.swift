import Foundation
import HubDelivery
import HubModel
import HubSite
import HubStore
import Testing

/// The notification rules as a state machine: stored events in, outbox rows out, times from the
/// events themselves.
struct NotificationEngineTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let utc = TimeZone(identifier: "UTC")!

    static func event(
        _ id: String, _ kind: String = EventKind.radiationAlarm, at seconds: Double = 0, lane: String? = "1", device: String = "rpm-1",
        severity: Severity = .alarm, data: [String: JSONValue] = [:]
    ) -> InspectionEvent {
        InspectionEvent(
            id: id, kind: kind, device: DeviceRef(id: device, profile: "test", family: "radiation-portal"), site: "gate-3", lane: lane,
            observedAt: t0.addingTimeInterval(seconds), receivedAt: t0.addingTimeInterval(seconds), data: data, severity: severity,
            raw: RawRef(sha256: "", format: ""))
    }

    static let operatorMail = Recipient.email(address: "op@gate.example", language: "vi")
    static let chiefMail = Recipient.email(address: "chief@gate.example", language: "en")

    /// The rows for `events`, each as `rule/step/recipient/state`.
    static func rows(_ rules: [NotificationRule], _ events: [InspectionEvent]) -> [String] {
        var engine = NotificationEngine(rules: rules, zone: utc)
        return events.flatMap { e in
            engine.observe(e) { rule, r, step, _ in "\(rule.name):\(step):\(r.label)" }.map {
                "\($0.eventID) \($0.rule)/\($0.step)/\($0.recipient)/\($0.state.rawValue)" + ($0.unlessAcknowledged ? " unlessAck" : "")
            }
        }
    }

    @Test func aRuleTakesItsKindsFamiliesLanesAndChannelsOnly() {
        let rule = NotificationRule(
            name: "r", match: EventMatch(kinds: ["radiation.alarm", "trace"], lanes: ["1"]), foldS: 0, notify: [Self.operatorMail])
        let out = Self.rows([rule], [
            Self.event("A1"), Self.event("A2", lane: "2"), Self.event("T1", "trace.alarm", device: "ims"),
            Self.event("O1", EventKind.occupancyStart, severity: .info), Self.event("X1", "tracer.alarm"),
        ])
        #expect(out == ["A1 r/0/email:op@gate.example/pending", "T1 r/0/email:op@gate.example/pending"])
        let red = NotificationRule(name: "red", match: EventMatch(channels: ["red"]), notify: [Self.operatorMail])
        let risk = Self.rows([red], [
            Self.event("R1", EventKind.riskAssessment, severity: .warning, data: ["channel": .string("red")]),
            Self.event("R2", EventKind.riskAssessment, severity: .info, data: ["channel": .string("green")]),
        ])
        #expect(risk == ["R1 red/0/email:op@gate.example/pending"])
    }

    @Test func aBurstOfTheSameAlarmFoldsIntoOneMessageUntilTheWindowEnds() {
        let rule = NotificationRule(name: "r", foldS: 60, notify: [Self.operatorMail])
        let out = Self.rows([rule], [
            Self.event("A1", at: 0), Self.event("A2", at: 10), Self.event("B1", at: 20, device: "rpm-2"), Self.event("A3", at: 59.9),
            Self.event("A4", at: 60),
        ])
        #expect(out == [
            "A1 r/0/email:op@gate.example/pending", "A2 r/0//folded", "B1 r/0/email:op@gate.example/pending", "A3 r/0//folded",
            "A4 r/0/email:op@gate.example/pending",
        ])
    }

    @Test func outsideItsHoursARuleRecordsTheEventAsSuppressed() {
        // 1_800_000_000 is 2027-01-15T08:00:00Z, a Friday.
        let night = NotificationRule(name: "night", hours: [HourWindow(from: 22 * 60, to: 6 * 60)], notify: [Self.chiefMail])
        let day = NotificationRule(name: "day", hours: [HourWindow(days: [6], from: 6 * 60, to: 14 * 60)], notify: [Self.operatorMail])
        #expect(Self.rows([night, day], [Self.event("A1")]) == [
            "A1 night/0//suppressed", "A1 day/0/email:op@gate.example/pending",
        ])
    }

    @Test func anAlarmEscalatesStepByStepWhileUnacknowledged() throws {
        let rule = NotificationRule(
            name: "r", notify: [Self.operatorMail],
            escalate: [EscalationStep(afterS: 300, notify: [Self.chiefMail]), EscalationStep(afterS: 900, notify: [Self.operatorMail, Self.chiefMail])])
        var engine = NotificationEngine(rules: [rule], zone: Self.utc)
        let rows = engine.observe(Self.event("A1", at: 5)) { _, _, _, _ in "" }
        #expect(rows.map { "\($0.step) \($0.recipient) \($0.dueAt.timeIntervalSince(Self.t0)) \($0.unlessAcknowledged)" } == [
            "0 email:op@gate.example 5.0 false", "1 email:chief@gate.example 305.0 true", "2 email:op@gate.example 905.0 true",
            "2 email:chief@gate.example 905.0 true",
        ])
        // A warning is never acknowledged, so it does not escalate.
        #expect(engine.observe(Self.event("W1", at: 1000, severity: .warning)) { _, _, _, _ in "" }.map(\.step) == [0])
        #expect(NotificationEngine.disposition(rows[1], acknowledged: true) == .cancel)
        #expect(NotificationEngine.disposition(rows[1], acknowledged: false) == .send)
        #expect(NotificationEngine.disposition(rows[0], acknowledged: true) == .send)
    }

    @Test func aFailedAttemptBacksOffDoublingThenFails() {
        var m = OutboxMessage(rule: "r", eventID: "A1", step: 0, recipient: "email:a@b", dueAt: Self.t0)
        var delays: [Double] = []
        for _ in 0..<5 {
            let next = NotificationEngine.afterFailure(m, now: Self.t0, maxAttempts: 6, maxBackoffS: 10)
            #expect(next.state == .pending)
            delays.append(next.dueAt.timeIntervalSince(Self.t0))
            m.attempts = next.attempts
        }
        #expect(delays == [1, 2, 4, 8, 10])
        #expect(NotificationEngine.afterFailure(m, now: Self.t0, maxAttempts: 6, maxBackoffS: 10).state == .failed)
    }
}
