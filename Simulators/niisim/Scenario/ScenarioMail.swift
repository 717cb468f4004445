import Foundation
import HubDevices

extension Scenario {
    /// `mail: {listen: "127.0.0.1:47015"}`: niisim runs a mail sink there for the run (see `MailSink`);
    /// the hub's `notifications.smtp` points at it with `starttls: false`.
    struct MailSinkSpec: Decodable, Sendable {
        var listen: String

        enum CodingKeys: String, CodingKey, CaseIterable { case listen }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            listen = try c.decode(String.self, forKey: .listen, where: { (try? Loopback.endpoint($0)) != nil },
                                  expected: "a loopback HOST:PORT, e.g. 127.0.0.1:47015")
        }
    }

    /// Messages the mail sink took for `to` (the envelope's recipient) whose subject contains `subject`,
    /// text contains `text` and `Content-Language` is `language`: `count` exactly, or `atLeast` (1 when
    /// neither is given). `after`: the first of them came after the first message to that address;
    /// `notBeforeS` with `since`: it came at least that many real seconds (whatever `--speed`) after
    /// the timeline's step at `since` was played (an escalation's delay).
    struct MailExpectation: Decodable, Sendable {
        var to: String
        var subject: String?
        var text: String?
        var language: String?
        var count: Int?
        var atLeast: Int?
        var after: String?
        var notBeforeS: Double?
        var since: Double?

        enum CodingKeys: String, CodingKey, CaseIterable { case to, subject, text, language, count, atLeast, after, notBeforeS, since }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let address = "an e-mail address"
            to = try c.decode(String.self, forKey: .to, where: Self.isAddress, expected: address)
            subject = try c.decodeIfPresent(String.self, forKey: .subject, where: { !$0.isEmpty }, expected: "words the subject contains")
            text = try c.decodeIfPresent(String.self, forKey: .text, where: { !$0.isEmpty }, expected: "words the text contains")
            language = try c.decodeIfPresent(String.self, forKey: .language, where: { ["vi", "en"].contains($0) }, expected: "vi or en")
            count = try c.decodeIfPresent(Int.self, forKey: .count, where: { $0 >= 0 }, expected: "a count from 0")
            atLeast = try c.decodeIfPresent(Int.self, forKey: .atLeast, where: { $0 >= 1 }, expected: "a count from 1")
            if count != nil, atLeast != nil {
                throw InvalidValue(codingPath: c.codingPath + [CodingKeys.atLeast], message: "give 'count' or 'atLeast', not both")
            }
            after = try c.decodeIfPresent(String.self, forKey: .after, where: Self.isAddress, expected: address)
            notBeforeS = try c.decodeIfPresent(Double.self, forKey: .notBeforeS, where: { $0 >= 0 }, expected: "seconds from 0")
            since = try c.decodeIfPresent(Seconds.self, forKey: .since)?.value
            if (notBeforeS == nil) != (since == nil) {
                throw InvalidValue(codingPath: c.codingPath + [notBeforeS == nil ? CodingKeys.notBeforeS : CodingKeys.since],
                                   message: "give 'notBeforeS' and 'since' (the timeline step's time) together")
            }
            if count == 0, after != nil || notBeforeS != nil {
                throw InvalidValue(codingPath: c.codingPath + [CodingKeys.count], message: "'after' and 'notBeforeS' need a message (count above 0)")
            }
        }

        static func isAddress(_ s: String) -> Bool {
            let parts = s.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !s.contains(" ")
        }
    }

    /// One notification rule's counts at the hub (`GET /api/v1/notifications`); each count given must
    /// match exactly.
    struct NotificationExpectation: Decodable, Sendable {
        var rule: String
        var counts: [(state: String, count: Int)]

        static let states = ["sent", "pending", "failed", "cancelled", "suppressed", "folded"]

        struct Keys: CodingKey, CaseIterable {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
            static let allCases = (["rule"] + NotificationExpectation.states).map(Keys.init(stringValue:))
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(Keys.self)
            let c = try decoder.container(keyedBy: Keys.self)
            rule = try c.decode(String.self, forKey: Keys(stringValue: "rule"), where: { !$0.isEmpty }, expected: "a rule's name")
            counts = try Self.states.compactMap { s in
                try c.decodeIfPresent(Int.self, forKey: Keys(stringValue: s), where: { $0 >= 0 }, expected: "a count from 0").map { (s, $0) }
            }
            if counts.isEmpty {
                throw InvalidValue(codingPath: c.codingPath, message: "give at least one of \(Self.states.joined(separator: ", "))")
            }
        }
    }
}
