import Foundation
import HubDevices
import HubModel

/// Who hears of which events, and how (`notifications:` in the site file): the SMTP relay the
/// hub's e-mail goes through, and the rules. A rule matches events, is active on its calendar,
/// folds a burst of the same alarm into one message, sends to its recipients at once and, while
/// the alarm stays unacknowledged, to each escalation step's recipients after its delay.
public struct NotificationSettings: Sendable, Equatable {
    public var smtp: SMTPSettings?
    public var rules: [NotificationRule]
    /// Attempts at one message before it counts as failed.
    public var maxAttempts: Int
    /// The longest pause between two attempts at one message, seconds.
    public var maxBackoffS: Double

    public init(smtp: SMTPSettings? = nil, rules: [NotificationRule] = [], maxAttempts: Int = 8, maxBackoffS: Double = 300) {
        self.smtp = smtp
        self.rules = rules
        self.maxAttempts = maxAttempts
        self.maxBackoffS = maxBackoffS
    }
}

/// The SMTP relay: host and port, the sender, STARTTLS (on unless `starttls: false`, which only a
/// loopback relay may use) verified against `caFile` or the system's roots, and optional login.
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var from: String
    public var starttls: Bool
    /// PEM certificates the relay's certificate must chain to, instead of the system's roots.
    public var caFile: String?
    public var username: String?
    /// A file holding the password (read at each connection, never logged).
    public var passwordFile: String?
    /// The name the hub gives in EHLO.
    public var helo: String

    public init(
        host: String, port: Int = 587, from: String, starttls: Bool = true, caFile: String? = nil, username: String? = nil,
        passwordFile: String? = nil, helo: String = "niihub"
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.starttls = starttls
        self.caFile = caFile
        self.username = username
        self.passwordFile = passwordFile
        self.helo = helo
    }
}

/// One rule: which events, when, to whom.
public struct NotificationRule: Sendable, Equatable {
    public var name: String
    /// A disabled rule is kept (an admin can turn it back on) but takes no events.
    public var enabled: Bool
    public var match: EventMatch
    /// When the rule sends (the site's `console.timeZone`); empty: always. Outside, a matching
    /// event is recorded as suppressed.
    public var hours: [HourWindow]
    /// A second event of the same kind from the same device within this many seconds of the first
    /// message is folded into it.
    public var foldS: Double
    public var notify: [Recipient]
    /// Steps tried in order while the alarm stays unacknowledged, each `afterS` after the event.
    public var escalate: [EscalationStep]

    public init(
        name: String, enabled: Bool = true, match: EventMatch = EventMatch(), hours: [HourWindow] = [], foldS: Double = 300,
        notify: [Recipient], escalate: [EscalationStep] = []
    ) {
        self.name = name
        self.enabled = enabled
        self.match = match
        self.hours = hours
        self.foldS = foldS
        self.notify = notify
        self.escalate = escalate
    }

    /// Whether the rule sends at `date` in `zone`.
    public func isActive(at date: Date, in zone: TimeZone) -> Bool {
        HourWindow.covers(hours, date, in: zone)
    }

    /// Whether escalation step `index` (0-based) sends at `date`: within the step's own hours, or
    /// the rule's when the step has none of its own.
    public func stepIsActive(_ index: Int, at date: Date, in zone: TimeZone) -> Bool {
        HourWindow.covers(escalate[index].hours ?? hours, date, in: zone)
    }
}

/// Which events a rule takes; every list given must contain the event's value (empty: any).
public struct EventMatch: Sendable, Equatable {
    /// Kinds (`radiation.alarm`) or families (`radiation`, `trace`): a family takes every kind under it.
    public var kinds: [String] = []
    public var severities: [Severity] = []
    public var lanes: [String] = []
    public var devices: [String] = []
    public var sites: [String] = []
    /// A risk assessment's declaration channel (`green`, `yellow`, `red`).
    public var channels: [String] = []

    public init(
        kinds: [String] = [], severities: [Severity] = [], lanes: [String] = [], devices: [String] = [], sites: [String] = [],
        channels: [String] = []
    ) {
        self.kinds = kinds
        self.severities = severities
        self.lanes = lanes
        self.devices = devices
        self.sites = sites
        self.channels = channels
    }

    public func matches(_ e: InspectionEvent) -> Bool {
        func ok(_ list: [String], _ value: String?) -> Bool { list.isEmpty || value.map(list.contains) == true }
        let kindOK = kinds.isEmpty || kinds.contains { e.kind == $0 || e.kind.hasPrefix($0 + ".") }
        var channel: String?
        if case .string(let c)? = e.data["channel"], e.kind == EventKind.riskAssessment { channel = c }
        return kindOK && (severities.isEmpty || severities.contains(e.severity)) && ok(lanes, e.lane) && ok(devices, e.device.id)
            && ok(sites, e.site) && ok(channels, channel)
    }
}

/// Days of the week and a span of local hours: `{days: [mon, tue], from: "22:00", to: "06:00"}`. A
/// span past midnight belongs to the day it starts on.
public struct HourWindow: Sendable, Equatable {
    /// 1 Sunday … 7 Saturday (as `Calendar` counts); empty: every day.
    public var days: Set<Int>
    /// Minutes after midnight.
    public var from: Int
    public var to: Int

    public init(days: Set<Int> = [], from: Int, to: Int) {
        self.days = days
        self.from = from
        self.to = to
    }

    public func contains(_ date: Date, in zone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let minute = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        let weekday = c.weekday ?? 1
        func day(_ d: Int) -> Bool { days.isEmpty || days.contains(d) }
        if from <= to { return day(weekday) && minute >= from && minute < to }
        // Past midnight: the evening of a listed day, or the morning after one.
        let yesterday = weekday == 1 ? 7 : weekday - 1
        return (day(weekday) && minute >= from) || (day(yesterday) && minute < to)
    }

    /// Whether `windows` (empty: every hour) cover `date`.
    public static func covers(_ windows: [HourWindow], _ date: Date, in zone: TimeZone) -> Bool {
        windows.isEmpty || windows.contains { $0.contains(date, in: zone) }
    }

    static let dayNames = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]
}

/// Where a message goes: an e-mail address in a language, or a signed webhook.
public enum Recipient: Sendable, Equatable {
    case email(address: String, language: String)
    case webhook(WebhookTarget)

    /// How the outbox and the status name it (never a secret).
    public var label: String {
        switch self {
        case .email(let address, _): "email:\(address)"
        case .webhook(let w): "webhook:\(w.url.absoluteString)"
        }
    }
}

/// A webhook: its URL, where the HMAC secret is (a file, or an environment variable), and for
/// `https://` the CA file its certificate must chain to.
public struct WebhookTarget: Sendable, Equatable {
    public var url: URL
    public var secretFile: String?
    public var secretEnv: String?
    public var caFile: String?

    public init(url: URL, secretFile: String? = nil, secretEnv: String? = nil, caFile: String? = nil) {
        self.url = url
        self.secretFile = secretFile
        self.secretEnv = secretEnv
        self.caFile = caFile
    }

    /// The secret now (re-read each time, so it can be rotated); nil when it cannot be read.
    public func secret(environment: [String: String] = ProcessInfo.processInfo.environment) -> [UInt8]? {
        if let secretFile, let data = FileManager.default.contents(atPath: secretFile) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : Array(text.utf8)
        }
        if let secretEnv, let text = environment[secretEnv], !text.isEmpty { return Array(text.utf8) }
        return nil
    }
}

/// An escalation step: after `afterS` seconds without an acknowledgement, these recipients, if
/// the step's time falls within its hours.
public struct EscalationStep: Sendable, Equatable {
    public var afterS: Double
    public var notify: [Recipient]
    /// When this step may page (the night supervisor's own hours); nil: the rule's hours; empty:
    /// at any hour. A step falling outside is recorded as suppressed, like a rule's quiet hours.
    public var hours: [HourWindow]?

    public init(afterS: Double, notify: [Recipient], hours: [HourWindow]? = nil) {
        self.afterS = afterS
        self.notify = notify
        self.hours = hours
    }
}
