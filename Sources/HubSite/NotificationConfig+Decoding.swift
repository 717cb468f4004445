import Foundation
import HubDevices
import HubModel

/// `notifications:` as written, checked field by field; files (secrets, CA, password) are checked
/// in `resolved`, where their paths are known.
struct RawNotifications: Decodable {
    var settings: NotificationSettings

    enum CodingKeys: String, CodingKey, CaseIterable { case smtp, rules, maxAttempts, maxBackoffS }

    init() { settings = NotificationSettings() }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let smtp = try c.decodeIfPresent(RawSMTP.self, forKey: .smtp)?.settings
        let rules = try c.decodeIfPresent([RawRule].self, forKey: .rules)?.map(\.rule) ?? []
        if let (i, field, message) = Self.setProblem(rules, smtp: smtp) {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.rules, IndexKey(i), AnyKey(stringValue: field)], message: message)
        }
        settings = NotificationSettings(
            smtp: smtp, rules: rules,
            maxAttempts: try c.decode(Int.self, forKey: .maxAttempts, default: 8, where: (1...100).contains, expected: "1 to 100 attempts"),
            maxBackoffS: try c.decode(Double.self, forKey: .maxBackoffS, default: 300, where: { $0 >= 0.1 && $0 <= 86_400 },
                                      expected: "seconds from 0.1 to 86400"))
    }

    /// What is wrong with a rule set as a whole: a name given twice, an e-mail recipient without a
    /// relay; the rule's index, its field and the problem in words.
    static func setProblem(_ rules: [NotificationRule], smtp: SMTPSettings?) -> (Int, String, String)? {
        var names = Set<String>()
        for (i, r) in rules.enumerated() {
            guard names.insert(r.name).inserted else { return (i, "name", "duplicate rule name '\(r.name)'") }
            let emails = (r.notify + r.escalate.flatMap(\.notify)).contains { if case .email = $0 { true } else { false } }
            if emails, smtp == nil {
                return (i, "notify", "an email recipient needs 'notifications.smtp:' (the relay the hub sends through)")
            }
        }
        return nil
    }

    /// The settings with every path made absolute and every file it names checked now.
    func resolved(_ resolve: (String) -> String, fail: ([any CodingKey], String) -> ConfigError) throws -> NotificationSettings {
        var s = settings
        if var smtp = s.smtp {
            if let ca = smtp.caFile {
                smtp.caFile = resolve(ca)
                if let problem = TLSFiles.pemProblem(resolve(ca), label: "CERTIFICATE", what: "CA certificate") {
                    throw fail([AnyKey(stringValue: "smtp"), AnyKey(stringValue: "caFile")], problem)
                }
            }
            if let p = smtp.passwordFile {
                smtp.passwordFile = resolve(p)
                guard FileManager.default.isReadableFile(atPath: resolve(p)) else {
                    throw fail([AnyKey(stringValue: "smtp"), AnyKey(stringValue: "passwordFile")], "cannot read the password file \(resolve(p))")
                }
            }
            s.smtp = smtp
        }
        for (i, rule) in s.rules.enumerated() {
            s.rules[i] = try Self.resolvedFiles(rule, at: [AnyKey(stringValue: "rules"), IndexKey(i)], resolve, fail: fail)
        }
        return s
    }

    /// `rule` with its webhooks' secret and CA files made absolute and checked now (readable, a
    /// PEM certificate); `at` is the rule's place, for the error.
    static func resolvedFiles(
        _ rule: NotificationRule, at: [any CodingKey], _ resolve: (String) -> String, fail: ([any CodingKey], String) -> ConfigError
    ) throws -> NotificationRule {
        func fix(_ list: [Recipient], _ at: [any CodingKey]) throws -> [Recipient] {
            try list.enumerated().map { j, r in
                guard case .webhook(var w) = r else { return r }
                let here = at + [IndexKey(j)]
                if let f = w.secretFile {
                    w.secretFile = resolve(f)
                    guard FileManager.default.isReadableFile(atPath: resolve(f)) else {
                        throw fail(here + [AnyKey(stringValue: "secretFile")], "cannot read the secret file \(resolve(f))")
                    }
                }
                w.caFile = try OutboundURL.caFile(w.caFile, for: w.url, resolve) { fail(here + [AnyKey(stringValue: "caFile")], $0) }
                return .webhook(w)
            }
        }
        var out = rule
        out.notify = try fix(rule.notify, at + [AnyKey(stringValue: "notify")])
        for (k, step) in rule.escalate.enumerated() {
            out.escalate[k].notify = try fix(step.notify, at + [AnyKey(stringValue: "escalate"), IndexKey(k), AnyKey(stringValue: "notify")])
        }
        return out
    }
}

struct RawSMTP: Decodable {
    var settings: SMTPSettings
    enum CodingKeys: String, CodingKey, CaseIterable { case host, port, from, starttls, caFile, username, passwordFile, helo }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let host = try c.decode(String.self, forKey: .host, where: { !$0.isEmpty }, expected: "the relay's host name or address")
        let starttls = try c.decodeIfPresent(Bool.self, forKey: .starttls) ?? true
        if !starttls, !["127.0.0.1", "::1", "localhost"].contains(host) {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.starttls],
                               message: "a relay other than loopback must use STARTTLS (mail carries alarm details)")
        }
        let username = try c.decodeIfPresent(String.self, forKey: .username, where: { !$0.isEmpty }, expected: "a user name")
        let passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile, where: { !$0.isEmpty }, expected: "a file path")
        if (username == nil) != (passwordFile == nil) {
            throw InvalidValue(codingPath: c.codingPath + [username == nil ? CodingKeys.passwordFile : CodingKeys.username],
                               message: "give both 'username' and 'passwordFile' to log in, or neither")
        }
        settings = SMTPSettings(
            host: host,
            port: try c.decode(Int.self, forKey: .port, default: 587, where: (1...65535).contains, expected: "a TCP port from 1 to 65535"),
            from: try c.decode(String.self, forKey: .from, where: EmailAddress.isValid, expected: "an e-mail address"),
            starttls: starttls,
            caFile: try c.decodeIfPresent(String.self, forKey: .caFile, where: { !$0.isEmpty }, expected: "a PEM file path"),
            username: username, passwordFile: passwordFile,
            helo: try c.decode(String.self, forKey: .helo, default: "niihub", where: { !$0.isEmpty && !$0.contains(" ") },
                               expected: "a host name without spaces"))
    }
}

struct RawRule: Decodable {
    var rule: NotificationRule
    enum CodingKeys: String, CodingKey, CaseIterable { case name, enabled, match, hours, foldS, notify, escalate }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let notify = try c.decode([RawRecipient].self, forKey: .notify, where: { !$0.isEmpty }, expected: "at least one recipient")
        let steps = try c.decodeIfPresent([RawStep].self, forKey: .escalate) ?? []
        for (i, s) in steps.enumerated() where i > 0 && s.step.afterS <= steps[i - 1].step.afterS {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.escalate, IndexKey(i), AnyKey(stringValue: "afterS")],
                               message: "each escalation step must come later than the one before (\(steps[i - 1].step.afterS) s)")
        }
        rule = NotificationRule(
            name: try c.decode(String.self, forKey: .name, where: Identifier.isValid, expected: Identifier.expected),
            enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
            match: try c.decodeIfPresent(RawMatch.self, forKey: .match)?.match ?? EventMatch(),
            hours: try c.decodeIfPresent([RawHours].self, forKey: .hours)?.map(\.window) ?? [],
            foldS: try c.decode(Double.self, forKey: .foldS, default: 300, where: (0...86_400).contains, expected: "seconds from 0 to 86400"),
            notify: notify.map(\.recipient), escalate: steps.map(\.step))
    }
}

struct RawMatch: Decodable {
    var match = EventMatch()
    enum CodingKeys: String, CodingKey, CaseIterable { case kinds, severities, lanes, devices, sites, channels }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func list(_ key: CodingKeys, _ words: String) throws -> [String] {
            try c.decodeIfPresent([String].self, forKey: key, where: { $0.allSatisfy { !$0.isEmpty } }, expected: words) ?? []
        }
        match.kinds = try list(.kinds, "a list of event kinds or families, e.g. [radiation.alarm, trace]")
        match.severities = try c.decodeIfPresent(
            [String].self, forKey: .severities, where: { $0.allSatisfy { Severity(rawValue: $0) != nil } },
            expected: "a list of info, warning, alarm")?.compactMap(Severity.init(rawValue:)) ?? []
        match.lanes = try list(.lanes, "a list of lane names")
        match.devices = try list(.devices, "a list of device ids")
        match.sites = try list(.sites, "a list of site names")
        match.channels = try c.decodeIfPresent(
            [String].self, forKey: .channels, where: { $0.allSatisfy { ["green", "yellow", "red"].contains($0) } },
            expected: "a list of green, yellow, red") ?? []
    }
}

struct RawHours: Decodable {
    var window: HourWindow
    enum CodingKeys: String, CodingKey, CaseIterable { case days, from, to }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let days = try c.decodeIfPresent(
            [String].self, forKey: .days, where: { $0.allSatisfy { HourWindow.dayNames[$0] != nil } },
            expected: "a list of days: mon, tue, wed, thu, fri, sat, sun") ?? []
        let words = "a local time HH:MM, e.g. 22:00"
        let from = try c.decode(String.self, forKey: .from, where: { Self.minutes($0) != nil }, expected: words)
        let to = try c.decode(String.self, forKey: .to, where: { Self.minutes($0) != nil }, expected: words)
        window = HourWindow(days: Set(days.compactMap { HourWindow.dayNames[$0] }), from: Self.minutes(from)!, to: Self.minutes(to)!)
        if window.from == window.to {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.to], message: "'to' must differ from 'from'")
        }
    }

    /// `HH:MM` (00:00 to 24:00) as minutes after midnight.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m),
            h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }
}

struct RawStep: Decodable {
    var step: EscalationStep
    enum CodingKeys: String, CodingKey, CaseIterable { case afterS, notify, hours }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        step = EscalationStep(
            afterS: try c.decode(Double.self, forKey: .afterS, where: { $0 > 0 && $0 <= 7 * 86_400 },
                                 expected: "seconds after the alarm, more than 0 and at most 604800"),
            notify: try c.decode([RawRecipient].self, forKey: .notify, where: { !$0.isEmpty }, expected: "at least one recipient")
                .map(\.recipient),
            hours: try c.decodeIfPresent([RawHours].self, forKey: .hours)?.map(\.window))
    }
}

/// `{email: a@b, language: vi}` or `{webhook: https://…, secretFile: …}`.
struct RawRecipient: Decodable {
    var recipient: Recipient
    enum CodingKeys: String, CodingKey, CaseIterable { case email, language, webhook, secretFile, secretEnv, caFile }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let address = try c.decodeIfPresent(String.self, forKey: .email, where: EmailAddress.isValid, expected: "an e-mail address") {
            for k in [CodingKeys.webhook, .secretFile, .secretEnv, .caFile] where c.contains(k) {
                throw InvalidValue(codingPath: c.codingPath + [k], message: "'\(k.rawValue)' is for a webhook recipient, not an email one")
            }
            let language = try c.decode(String.self, forKey: .language, default: "vi", where: { ["vi", "en"].contains($0) }, expected: "vi or en")
            recipient = .email(address: address, language: language)
            return
        }
        guard let text = try c.decodeIfPresent(String.self, forKey: .webhook, where: OutboundURL.isValid, expected: "an http:// or https:// URL")
        else {
            throw InvalidValue(codingPath: c.codingPath, message: "a recipient needs 'email:' (an address) or 'webhook:' (a URL)")
        }
        if c.contains(.language) {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.language], message: "'language' is for an email recipient")
        }
        let secretFile = try c.decodeIfPresent(String.self, forKey: .secretFile, where: { !$0.isEmpty }, expected: "a file path")
        let secretEnv = try c.decodeIfPresent(String.self, forKey: .secretEnv, where: { !$0.isEmpty }, expected: "an environment variable name")
        guard (secretFile == nil) != (secretEnv == nil) else {
            throw InvalidValue(codingPath: c.codingPath + [CodingKeys.secretFile],
                               message: "a webhook needs its HMAC secret from exactly one of 'secretFile' or 'secretEnv'")
        }
        recipient = .webhook(WebhookTarget(
            url: URL(string: text)!, secretFile: secretFile, secretEnv: secretEnv,
            caFile: try c.decodeIfPresent(String.self, forKey: .caFile, where: { !$0.isEmpty }, expected: "a PEM file path")))
    }
}

/// A plain `local@domain` address: no spaces, angle brackets or line breaks (it goes into SMTP commands).
public enum EmailAddress {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.count <= 254 else { return false }
        return text.allSatisfy { $0.isASCII && !$0.isWhitespace && !"<>(),;:\\\"[]".contains($0) && $0.asciiValue! >= 0x21 }
    }
}
