import Foundation
import HubSimulation

/// The `mail:` and `notifications:` items of `expect:`: what the run's mail sink took, and what the
/// hub's outbox says it did (`GET /api/v1/notifications`).
enum MailCheck {
    /// One message as the checks read it.
    struct Taken {
        var to: [String]
        var at: Date
        var content: MailContent

        init(_ m: ReceivedMail) {
            to = m.to
            at = m.at
            content = MailContent(lines: m.lines)
        }
    }

    static func item(_ want: Scenario.MailExpectation, _ taken: [Taken], played: [Double: Date]) -> ExpectationCheck.Item {
        let mine = taken.filter { $0.to.contains(want.to) }
        let matching = mine.filter { m in
            (want.subject.map(m.content.subject.contains) ?? true) && (want.text.map(m.content.text.contains) ?? true)
                && (want.language == nil || m.content.language == want.language)
        }
        let n = matching.count
        let countOK = want.count.map { n == $0 } ?? (n >= (want.atLeast ?? 1))
        var ok = countOK
        var expected = [want.count.map { "exactly \($0)" } ?? "at least \(want.atLeast ?? 1)"]
        var found = ["\(n)"]
        let first = matching.first?.at
        if let other = want.after {
            expected.append("after the first to \(other)")
            let before = taken.first { $0.to.contains(other) }?.at
            switch (first, before) {
            case (let f?, let b?):
                let gap = f.timeIntervalSince(b)
                found.append(String(format: "%.1f s after the first to %@", gap, other))
                ok = ok && gap > 0
            case (_?, nil):
                found.append("none to \(other)")
                ok = false
            default:
                ok = false
            }
        }
        if let delay = want.notBeforeS, let since = want.since {
            expected.append(String(format: "not before %g s after the step at %gs", delay, since))
            if let start = played[since] {
                if let f = first {
                    let gap = f.timeIntervalSince(start)
                    found.append(String(format: "%.1f s after the step at %gs", gap, since))
                    ok = ok && gap >= delay
                }
            } else {
                found.append(String(format: "no step at %gs in the timeline", since))
                ok = false
            }
        }
        if !countOK {
            // What the sink did take, so a wrong subject or language is seen at once.
            found.append(mine.isEmpty ? "the sink took \(taken.count) messages, none to \(want.to)"
                : "to \(want.to): " + mine.map { "'\($0.content.subject)' (\($0.content.language ?? "no language"))" }.joined(separator: "; "))
        }
        let name = ["mail to \(want.to)", want.subject.map { "subject '\($0)'" }, want.text.map { "text '\($0)'" },
                    want.language.map { "in \($0)" }].compactMap { $0 }.joined(separator: " ")
        return ExpectationCheck.Item(name: name, expected: expected.joined(separator: ", "), found: found.joined(separator: ", "), ok: ok)
    }

    static func item(_ want: Scenario.NotificationExpectation, _ rules: [[String: Any]]) -> ExpectationCheck.Item {
        let row = rules.first { $0["rule"] as? String == want.rule }
        let expected = want.counts.map { "\($0.state) \($0.count)" }.joined(separator: ", ")
        guard let row else {
            let names = rules.compactMap { $0["rule"] as? String }
            return ExpectationCheck.Item(
                name: "notifications of rule \(want.rule)", expected: expected,
                found: "no such rule" + (names.isEmpty ? "" : " (the hub has \(names.joined(separator: ", ")))"), ok: false)
        }
        let counts = want.counts.map { ($0.state, (row[$0.state] as? NSNumber)?.intValue ?? -1) }
        var found = counts.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        if let error = row["lastError"] as? String { found += "; last error: \(error)" }
        let ok = zip(want.counts, counts).allSatisfy { $0.count == $1.1 }
        return ExpectationCheck.Item(name: "notifications of rule \(want.rule)", expected: expected, found: found, ok: ok)
    }
}
