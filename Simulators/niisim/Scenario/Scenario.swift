import Foundation
import HubDevices

/// A scenario file: where the hub's devices are, what happens when, and what the hub should then show.
/// Read with `YAMLDocument`, so a bad field is named with its file, line and column.
struct Scenario: Decodable, Sendable {
    /// How this scenario reaches the hub's devices; `--device NAME=ADDRESS` overrides an address.
    var devices: [String: DeviceLink]
    /// The mail sink niisim runs for the run, the hub's SMTP relay; `--mail HOST:PORT` overrides it.
    var mail: MailSinkSpec?
    var timeline: [Step]
    var expect: Expectations

    enum CodingKeys: String, CodingKey, CaseIterable { case devices, mail, timeline, expect }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        devices = try c.decodeIfPresent([String: DeviceLink].self, forKey: .devices) ?? [:]
        mail = try c.decodeIfPresent(MailSinkSpec.self, forKey: .mail)
        timeline = try c.decodeIfPresent([Step].self, forKey: .timeline) ?? []
        expect = try c.decodeIfPresent(Expectations.self, forKey: .expect) ?? Expectations()
        if mail == nil, !(expect.mail ?? []).isEmpty {
            throw InvalidValue(codingPath: [CodingKeys.expect, AnyKey(stringValue: "mail")],
                               message: "mail expectations need a mail sink: 'mail: {listen: \"127.0.0.1:PORT\"}'")
        }
    }

    /// One device of the scenario. Its protocol is `protocol:` or else its name (`rpm`, `ocr`, `gt06`,
    /// `teltonika`, `eseal`, `scanner`, `n42`, `trace`).
    struct DeviceLink: Decodable, Sendable {
        /// The hub's id for the device, waited on until online before the timeline starts (serial links).
        var id: String?
        /// A pseudo-terminal link path the hub's config reads.
        var link: String?
        /// A hub TCP listener, HOST:PORT on loopback.
        var tcp: String?
        /// The folder a file device (scanner, N42 instrument) writes its results into.
        var folder: String?
        /// A scanner that posts its results over HTTP (`POST /api/v1/blobs`, then `/api/v1/scans`).
        var post: Bool?
        var `protocol`: String?
        /// A line device's profile (YAML; relative paths from the scenario file): a trace detector's
        /// lines are written as its `line:` section describes, the hub's standard trace line without one.
        var profile: String?
    }

    /// The protocols a scenario device can speak.
    enum DeviceProtocol: String, Sendable {
        case rpm, ocr, gt06, teltonika, eseal, scanner, n42, trace
    }

    /// The protocol of device `name`, or a clear error naming it.
    func deviceProtocol(_ name: String) throws -> DeviceProtocol {
        guard let d = devices[name] else { throw ScenarioError("the timeline uses device '\(name)', which devices: does not list") }
        let text = d.`protocol` ?? name
        guard let p = DeviceProtocol(rawValue: text) else {
            throw ScenarioError("device \(name): unknown protocol '\(text)' (rpm, ocr, gt06, teltonika, eseal, scanner, n42, trace)")
        }
        return p
    }

    struct Expectations: Decodable, Sendable {
        /// Seconds to wait for the hub to settle into the expected outcome.
        var settleS: Double?
        /// Event kind → how many the hub holds (`gate.passage`: passages, each counted once whatever
        /// its revisions).
        var events: [String: Int]?
        var passages: [Passage]?
        /// Declaration number → the link kinds (container, plate) it has.
        var links: [String: [String]]?
        var risk: [Risk]?
        /// Device id → its state at the hub (`online`, `offline`, …).
        var devices: [String: String]?
        /// Device id → how many frames the hub rejected from it (garbage, checksum, malformed, …).
        var rejects: [String: Int]?
        /// What the operator's alarm queue holds (`GET /api/v1/alarms`), warnings from the event list.
        var alarms: [Alarm]?
        /// The messages the run's mail sink took (see `MailExpectation`).
        var mail: [MailExpectation]?
        /// The hub's notification outbox per rule (`GET /api/v1/notifications`).
        var notifications: [NotificationExpectation]?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case settleS, events, passages, links, risk, devices, rejects, alarms, mail, notifications
        }

        init() {}

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            settleS = try c.decodeIfPresent(Double.self, forKey: .settleS, where: { $0 > 0 }, expected: "seconds above 0")
            events = try c.decodeIfPresent([String: Int].self, forKey: .events)
            passages = try c.decodeIfPresent([Passage].self, forKey: .passages)
            links = try c.decodeIfPresent([String: [String]].self, forKey: .links)
            risk = try c.decodeIfPresent([Risk].self, forKey: .risk)
            devices = try c.decodeIfPresent([String: String].self, forKey: .devices)
            rejects = try c.decodeIfPresent([String: Int].self, forKey: .rejects)
            alarms = try c.decodeIfPresent([Alarm].self, forKey: .alarms)
            mail = try c.decodeIfPresent([MailExpectation].self, forKey: .mail)
            notifications = try c.decodeIfPresent([NotificationExpectation].self, forKey: .notifications)
        }
    }

    /// A passage the hub should hold (its latest revision); every field given must match.
    struct Passage: Decodable, Sendable {
        var containers: [String]?
        /// Its first plate.
        var plate: String?
        /// All its plates, exactly: `[]` for a passage whose plate was never read.
        var plates: [String]?
        var gammaAlarm: Bool?
        /// `clear` or `suspect`: the passage's scan result.
        var scan: String?
        /// Whether the hub flags some of its evidence as maybe another vehicle's.
        var ambiguous: Bool?
    }

    /// The last feed assessment of a declaration.
    struct Risk: Decodable, Sendable {
        var declaration: String
        var channel: String?
        /// Inclusive score range, `[low, high]`.
        var score: [Double]?
    }

    /// Alarms of one kind (`transit.seal`, or a family such as `radiation.*`), optionally of one device,
    /// severity (`alarm` by default: the queue; `warning` is read from the events) and state (`open`,
    /// `adjudicated`); `count` exactly, or `atLeast` (1 when neither is given).
    struct Alarm: Decodable, Sendable {
        var kind: String
        var device: String?
        var severity: String?
        var state: String?
        var count: Int?
        var atLeast: Int?
    }
}

struct ScenarioError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
