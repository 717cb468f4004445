import Foundation
import HubModel
import HubTesting

/// Three gates forwarding real events to a central hub, for the national view's tests and its
/// browser walk: gate-a and gate-b in departments (`config`), gate-c in none. Every figure the
/// view shows for them is fixed by what is posted here (see `expected`).
public struct NationalScenario: Sendable {
    /// The `national:` section naming the departments (gate-x is configured and never forwards).
    public static let config = """
        national:
          departments:
            - {id: "03", name: "Hải Phòng", gates: [gate-a, gate-x]}
            - {id: "01", name: "Hà Nội", gates: [gate-b]}
        """

    /// The figures the view must show, in the order devices online, devices reporting, alarms of
    /// the last 24 h, passages of the last hour, scans awaiting review, seals in transit, open deviations.
    public static let figureNames = [
        "devicesOnline", "devicesReporting", "alarmsLastDay", "passagesLastHour", "scansAwaitingReview", "sealsInTransit", "deviationsOpen",
    ]
    public static let expected: [String: [Int]] = [
        "gate-a": [1, 2, 3, 2, 2, 0, 0],
        // The watch's deviation alarms carry no site: they count as deviations, not as the gate's alarms.
        "gate-b": [1, 1, 1, 1, 0, 2, 1],
        "gate-c": [1, 1, 0, 0, 0, 0, 0],
        "gate-x": [0, 0, 0, 0, 0, 0, 0],
    ]

    /// Each gate of a `GET /api/v1/national` answer, by site.
    public static func gates(_ view: [String: Any]) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for d in view["departments"] as? [[String: Any]] ?? [] {
            for g in d["gates"] as? [[String: Any]] ?? [] { out[g["site"] as? String ?? ""] = g }
        }
        return out
    }

    public let now = Date()
    private let ids = EventIDGenerator()
    public let gateA: [InspectionEvent]
    public let gateB: [InspectionEvent]
    public let gateC: [InspectionEvent]

    public init() {
        // Built through a value with `now` and `ids` set, so the times are relative to one moment.
        let m = Maker(now: now, ids: ids)
        // gate-a: a portal that went offline, a camera online, a unit last heard 30 h ago; three
        // alarms of the day (one more a day too old); two passages of the last hour (one revised)
        // and one older; scans: one judged finally, one with a first verdict only, one untouched, one too old.
        let scans = (0..<4).map { i in
            m.event(EventKind.scanResult, site: "gate-a", lane: "1", device: "scanner", ago: i == 3 ? 8 * 86_400 : 86_000,
                    data: ["scanId": .string("S\(i)")])
        }
        gateA = [
            m.status("gate-a", "rpm-1", "online", ago: 7200), m.status("gate-a", "rpm-1", "offline", ago: 3600),
            m.status("gate-a", "cam-1", "online", ago: 1800), m.status("gate-a", "rpm-2", "online", ago: 30 * 3600),
            m.event(EventKind.radiationAlarm, site: "gate-a", lane: "1", ago: 600, severity: .alarm),
            m.event(EventKind.occupancy, site: "gate-a", lane: "1", ago: 590, severity: .alarm),
            m.event(EventKind.radiationAlarm, site: "gate-a", lane: "2", ago: 3 * 3600, severity: .alarm),
            m.event(EventKind.radiationAlarm, site: "gate-a", lane: "2", ago: 25 * 3600, severity: .alarm),
            m.passage("gate-a", lane: "1", "P1", revision: 1, ago: 580, plate: "15C-111.11"),
            m.passage("gate-a", lane: "1", "P1", revision: 2, ago: 570, alarmed: true, plate: "15C-111.11"),
            m.passage("gate-a", lane: "2", "P2", revision: 1, ago: 1200, plate: "15C-222.22"),
            m.passage("gate-a", lane: "2", "P3", revision: 1, ago: 2 * 3600, plate: "15C-333.33"),
        ] + scans + [
            m.event(EventKind.scanVerdict, site: "gate-a", lane: "1", device: "review", ago: 80_000,
                    data: ["scanEvent": .string(scans[0].id), "final": .bool(true)]),
            m.event(EventKind.scanVerdict, site: "gate-a", lane: "1", device: "review", ago: 80_000,
                    data: ["scanEvent": .string(scans[1].id), "final": .bool(false)]),
        ]
        // gate-b: one device online, one alarm, one passage; the transit watch's findings (no site):
        // the first transit off its corridor, the second off and back again, then arrived.
        gateB = [
            m.status("gate-b", "rpm-1", "online", ago: 600),
            m.event(EventKind.radiationAlarm, site: "gate-b", lane: "1", ago: 3600, severity: .alarm),
            m.passage("gate-b", lane: "1", "Q1", revision: 1, ago: 300, plate: "29C-444.44"),
            m.transit("deviation", declaration: "700000000002", ago: 6 * 3600),
            m.transit("returned", declaration: "700000000002", ago: 5 * 3600),
            m.transit("arrived", declaration: "700000000002", ago: 4 * 3600),
            m.transit("deviation", declaration: "700000000001", ago: 3 * 3600),
        ]
        gateC = [m.status("gate-c", "rpm-1", "online", ago: 60)]
    }

    /// The transit declarations of gate-b, to post at the central: one under way with two seals,
    /// one that has arrived, one not yet begun.
    public var declarations: [String] {
        [("700000000001", ["HP-0001", "HP-0002"], -7200.0), ("700000000002", ["HP-0003"], -36_000), ("700000000003", ["HP-0004"], 86_400)]
            .map { number, seals, startsIn in
                let sealList = seals.map { "\"\($0)\"" }.joined(separator: ", ")
                return """
                    {"number": "\(number)", "type": "transit", "office": "03CE", "site": "gate-b", "trader": {"tin": "0301234567"},
                     "seals": [\(sealList)], "channel": "green",
                     "transit": {"origin": "03CE", "destination": "45BC", "corridor": [[20.86, 106.68], [21.02, 105.84]],
                                 "start": "\(Timestamp.format(now.addingTimeInterval(startsIn)))", "end": "2099-01-01T00:00:00Z"}}
                    """
            }
    }

    /// A batch body as a gate's forwarder writes it, with its uplink fields when given.
    public func batch(_ source: String, after: Int, _ events: [InspectionEvent], backlog: Int? = nil, oldestWaitingAgo: Double? = nil) -> String {
        var uplink = backlog.map { #""backlog":\#($0),"# } ?? ""
        if let oldestWaitingAgo { uplink += #""oldestWaitingAt":"\#(Timestamp.format(now.addingTimeInterval(-oldestWaitingAgo)))","# }
        let lines = events.map { (try? $0.jsonLine()) ?? "" }.joined(separator: ",")
        return #"{"source":"\#(source)","after":\#(after),"first":\#(after + 1),"last":\#(after + events.count),\#(uplink)"raw":[],"events":[\#(lines)]}"#
    }

    /// Posts the declarations, gate-a's batch (7 events waiting behind it since 2 minutes ago),
    /// gate-b's (from a gate too old to say its backlog) and gate-c's, and gate-c's idle status
    /// (3 waiting since 5 minutes ago). Answers each gate's token and whether every post was taken.
    public func post(to central: HubHarness) async throws -> (tokens: [String: String], allTaken: Bool) {
        var tokens: [String: String] = [:]
        for gate in ["gate-a", "gate-b", "gate-c"] { tokens[gate] = try await central.token("gate", owner: gate) }
        var taken = true
        for d in declarations { taken = try await central.post("/api/v1/declarations", d).status == 201 && taken }
        for (gate, body) in [
            ("gate-a", batch("gate-a", after: 0, gateA, backlog: 7, oldestWaitingAgo: 120)), ("gate-b", batch("gate-b", after: 0, gateB)),
            ("gate-c", batch("gate-c", after: 0, gateC)),
        ] {
            taken = try await central.post("/api/v1/forwarded", body, token: tokens[gate]).status == 200 && taken
        }
        taken = try await central.post("/api/v1/forwarded/status", gateCStatus, token: tokens["gate-c"]).status == 200 && taken
        return (tokens, taken)
    }

    /// When gate-c's oldest waiting event arrived there, as its status report says.
    public var gateCOldest: String { Timestamp.format(now.addingTimeInterval(-300)) }
    public var gateCStatus: String { #"{"source":"gate-c","backlog":3,"oldestWaitingAt":"\#(gateCOldest)","through":1}"# }

    /// Events as a gate stores them, observed `ago` seconds before `now`.
    struct Maker {
        let now: Date
        let ids: EventIDGenerator

        func event(
            _ kind: String, site: String?, lane: String? = nil, device: String = "rpm-1", ago: Double, severity: Severity = .info,
            subject: Subject = Subject(), data: [String: JSONValue] = [:]
        ) -> InspectionEvent {
            let at = now.addingTimeInterval(-ago)
            return InspectionEvent(
                id: ids.next(at: at), kind: kind, device: DeviceRef(id: device, profile: "test", family: "test"), site: site, lane: lane,
                observedAt: at, receivedAt: at, subject: subject, data: data, severity: severity, raw: RawRef(sha256: "", format: ""))
        }

        func status(_ site: String, _ device: String, _ state: String, ago: Double) -> InspectionEvent {
            event(EventKind.deviceStatus, site: site, device: device, ago: ago, data: ["state": .string(state)])
        }

        func passage(_ site: String, lane: String, _ id: String, revision: Int, ago: Double, alarmed: Bool = false, plate: String) -> InspectionEvent {
            let at = Timestamp.format(now.addingTimeInterval(-ago))
            return event(
                EventKind.passage, site: site, lane: lane, device: "passages", ago: ago, subject: Subject(plates: [plate]),
                data: ["passage": .string(id), "revision": .int(Int64(revision)), "startedAt": .string(at), "endedAt": .string(at),
                       "alarmed": .bool(alarmed)])
        }

        func transit(_ finding: String, declaration: String, ago: Double) -> InspectionEvent {
            event(
                EventKind.transit(finding), site: nil, device: "transits", ago: ago, severity: finding == "deviation" ? .alarm : .info,
                subject: Subject(declaration: declaration), data: ["finding": .string(finding), "detail": .string(finding)])
        }
    }
}
