import Foundation
import HubModel

/// The `expect:` section against the hub's API: one line per item, expected beside found.
struct ExpectationCheck {
    struct Item {
        var name: String
        var expected: String
        var found: String
        var ok: Bool
    }

    let expect: Scenario.Expectations
    let hub: HubClient
    /// The run's mail sink, when the scenario has one.
    var mail: MailSink?
    /// When each timeline second was played (real time).
    var played: [Double: Date] = [:]

    /// Checks until every item holds or the settle time is up; the last round's items.
    func settle() async throws -> [Item] {
        let deadline = Date().addingTimeInterval(expect.settleS ?? 60)
        while true {
            let items = try await check()
            if items.allSatisfy(\.ok) || Date() >= deadline { return items }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// The readable diff: every item, a mark, expected and found.
    static func report(_ items: [Item]) -> String {
        let bad = items.filter { !$0.ok }.count
        let head = bad == 0 ? "expect: all \(items.count) items hold" : "expect: \(bad) of \(items.count) items differ"
        return ([head] + items.map { i in
            i.ok ? "  ok    \(i.name): \(i.found)" : "  DIFF  \(i.name)\n          expected: \(i.expected)\n          found:    \(i.found)"
        }).joined(separator: "\n")
    }

    func check() async throws -> [Item] {
        var items: [Item] = []
        var passageEvents: [[String: Any]]?
        func passages() async throws -> [[String: Any]] {
            if let p = passageEvents { return p }
            let p = Self.latestRevisions(try await hub.events(kind: EventKind.passage))
            passageEvents = p
            return p
        }
        for (kind, count) in (expect.events ?? [:]).sorted(by: { $0.key < $1.key }) {
            // A passage stored again (late evidence, an operator's resolution) is still one passage.
            let n = kind == EventKind.passage ? try await passages().count : try await hub.events(kind: kind).count
            items.append(Item(name: "events \(kind)", expected: "\(count)", found: "\(n)", ok: n == count))
        }
        if let wanted = expect.passages, !wanted.isEmpty {
            let found = try await passages().map(Found.init)
            let pairs = Self.assign(wanted, found)
            let all = found.isEmpty ? "no passage" : found.map(\.description).joined(separator: "; ")
            for (i, p) in wanted.enumerated() {
                let match = pairs[i].map { found[$0].description }
                items.append(Item(name: "passage #\(i + 1)", expected: Self.describe(p), found: match ?? all, ok: match != nil))
            }
        }
        for (number, kinds) in (expect.links ?? [:]).sorted(by: { $0.key < $1.key }) {
            let links = try await hub.get("/api/v1/declarations/\(number)/links")["links"] as? [[String: Any]] ?? []
            let found = Set(links.compactMap { $0["kind"] as? String }).sorted()
            items.append(Item(
                name: "links of \(number)", expected: Set(kinds).sorted().joined(separator: ", "),
                found: found.isEmpty ? "none" : found.joined(separator: ", "), ok: found == Set(kinds).sorted()))
        }
        if !(expect.devices ?? [:]).isEmpty || !(expect.rejects ?? [:]).isEmpty {
            let list = try await hub.get("/api/v1/devices")["devices"] as? [[String: Any]] ?? []
            for (id, state) in (expect.devices ?? [:]).sorted(by: { $0.key < $1.key }) {
                let found = list.first { $0["id"] as? String == id }?["state"] as? String ?? "no such device"
                items.append(Item(name: "device \(id)", expected: state, found: found, ok: found == state))
            }
            for (id, count) in (expect.rejects ?? [:]).sorted(by: { $0.key < $1.key }) {
                items.append(Self.rejects(id, count, list.first { $0["id"] as? String == id }))
            }
        }
        if let alarms = expect.alarms, !alarms.isEmpty { items += try await AlarmCheck(hub: hub).items(alarms) }
        if let wanted = expect.mail, !wanted.isEmpty {
            let taken = (mail?.messages ?? []).map(MailCheck.Taken.init)
            items += wanted.map { MailCheck.item($0, taken, played: played) }
        }
        if let wanted = expect.notifications, !wanted.isEmpty {
            let rules = try await hub.get("/api/v1/notifications")["rules"] as? [[String: Any]] ?? []
            items += wanted.map { MailCheck.item($0, rules) }
        }
        if let risk = expect.risk, !risk.isEmpty {
            let feed = try await hub.get("/api/v1/feed?limit=1000")["items"] as? [[String: Any]] ?? []
            for r in risk { items.append(Self.risk(r, feed)) }
        }
        return items
    }

    /// A device's rejected frames, with their reasons when they differ.
    private static func rejects(_ id: String, _ want: Int, _ device: [String: Any]?) -> Item {
        let byReason = (device?["counters"] as? [String: Any])?["rejected"] as? [String: Int] ?? [:]
        let n = byReason.values.reduce(0, +)
        var found = device == nil ? "no such device" : "\(n)"
        if n > 0 { found += " (" + byReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" }
        return Item(name: "rejects of \(id)", expected: "\(want)", found: found, ok: device != nil && n == want)
    }

    private static func risk(_ r: Scenario.Risk, _ feed: [[String: Any]]) -> Item {
        let last = feed.compactMap { $0["event"] as? [String: Any] }.last {
            ($0["subject"] as? [String: Any])?["declaration"] as? String == r.declaration
        }
        let data = last?["data"] as? [String: Any]
        let channel = data?["channel"] as? String, score = (data?["score"] as? NSNumber)?.doubleValue
        var ok = last != nil
        if let c = r.channel { ok = ok && channel == c }
        if let s = r.score, s.count == 2 { ok = ok && score.map { (s[0]...s[1]).contains($0) } == true }
        let expected = [r.channel.map { "channel \($0)" }, r.score.map { "score \($0.map { String(format: "%g", $0) }.joined(separator: "…"))" }]
            .compactMap { $0 }.joined(separator: ", ")
        let found = last == nil ? "no assessment in the feed"
            : "channel \(channel ?? "?"), score \(score.map { String(format: "%g", $0) } ?? "?")"
        return Item(name: "risk of \(r.declaration)", expected: expected, found: found, ok: ok)
    }

    /// The hub's passages as an operator reads them: the latest revision of each (`data.passage`,
    /// `data.revision`), and no event a later revision names in `data.supersedes`. An event without
    /// `data.passage` (a hub before revisions) is a passage of its own. In the order first stored.
    static func latestRevisions(_ events: [[String: Any]]) -> [[String: Any]] {
        func data(_ e: [String: Any]) -> [String: Any] { e["data"] as? [String: Any] ?? [:] }
        func revision(_ e: [String: Any]) -> Int { (data(e)["revision"] as? NSNumber)?.intValue ?? 1 }
        let superseded = Set(events.flatMap { data($0)["supersedes"] as? [String] ?? [] })
        var order: [String] = [], latest: [String: [String: Any]] = [:]
        for e in events {
            let id = e["id"] as? String ?? ""
            guard !superseded.contains(id) else { continue }
            let key = data(e)["passage"] as? String ?? id
            if let held = latest[key] {
                if revision(e) >= revision(held) { latest[key] = e }
            } else {
                order.append(key)
                latest[key] = e
            }
        }
        return order.compactMap { latest[$0] }
    }

    /// A passage as the hub stored it.
    struct Found: CustomStringConvertible {
        var containers: [String]
        var plates: [String]
        var gammaAlarm: Bool
        var scan: String?
        var ambiguities: [String]

        init(_ e: [String: Any]) {
            let subject = e["subject"] as? [String: Any], data = e["data"] as? [String: Any]
            containers = subject?["containers"] as? [String] ?? []
            plates = subject?["plates"] as? [String] ?? []
            gammaAlarm = data?["gammaAlarm"] as? Bool ?? false
            scan = data?["scanResult"] as? String
            ambiguities = (data?["ambiguities"] as? [[String: Any]] ?? []).map { $0["reason"] as? String ?? "" }
            if ambiguities.isEmpty, data?["ambiguous"] as? Bool == true { ambiguities = [""] }
        }

        func matches(_ want: Scenario.Passage) -> Bool {
            (want.containers == nil || want.containers == containers) && (want.plate == nil || want.plate == plates.first)
                && (want.plates == nil || want.plates == plates) && (want.gammaAlarm == nil || want.gammaAlarm == gammaAlarm)
                && (want.scan == nil || want.scan == scan) && (want.ambiguous == nil || want.ambiguous == !ambiguities.isEmpty)
        }

        var description: String {
            [containers.isEmpty ? nil : "containers [\(containers.joined(separator: ", "))]",
             plates.isEmpty ? "no plate" : plates.count == 1 ? "plate \(plates[0])" : "plates [\(plates.joined(separator: ", "))]",
             gammaAlarm ? "gamma alarm" : "no alarm", scan.map { "scan \($0)" },
             ambiguities.isEmpty ? nil : "ambiguous (\(ambiguities.count) events: \(reasons))"].compactMap { $0 }.joined(separator: ", ")
        }

        /// Each reason once, in the order first given.
        private var reasons: String {
            var seen: Set<String> = []
            let unique = ambiguities.map { $0.isEmpty ? "no reason given" : $0 }.filter { seen.insert($0).inserted }
            return unique.joined(separator: "; ")
        }
    }

    /// Each expected passage's own found passage (none shared), as many as can be matched: the
    /// expected index → the found index.
    static func assign(_ wanted: [Scenario.Passage], _ found: [Found]) -> [Int: Int] {
        var owner: [Int: Int] = [:]  // found → wanted
        func augment(_ w: Int, _ seen: inout Set<Int>) -> Bool {
            for f in found.indices where found[f].matches(wanted[w]) && seen.insert(f).inserted {
                if let other = owner[f] {
                    guard augment(other, &seen) else { continue }
                }
                owner[f] = w
                return true
            }
            return false
        }
        for w in wanted.indices {
            var seen: Set<Int> = []
            _ = augment(w, &seen)
        }
        return Dictionary(uniqueKeysWithValues: owner.map { ($1, $0) })
    }

    private static func describe(_ p: Scenario.Passage) -> String {
        [p.containers.map { "containers [\($0.joined(separator: ", "))]" }, p.plate.map { "plate \($0)" },
         p.plates.map { $0.isEmpty ? "no plate" : "plates [\($0.joined(separator: ", "))]" },
         p.gammaAlarm.map { $0 ? "gamma alarm" : "no alarm" }, p.scan.map { "scan \($0)" },
         p.ambiguous.map { $0 ? "ambiguous" : "not ambiguous" }].compactMap { $0 }.joined(separator: ", ")
    }
}
