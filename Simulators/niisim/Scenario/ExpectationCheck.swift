import Foundation

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
        for (kind, count) in (expect.events ?? [:]).sorted(by: { $0.key < $1.key }) {
            let n = try await hub.events(kind: kind).count
            items.append(Item(name: "events \(kind)", expected: "\(count)", found: "\(n)", ok: n == count))
        }
        if let passages = expect.passages, !passages.isEmpty {
            let found = try await hub.events(kind: "gate.passage").map(Self.passage)
            for (i, p) in passages.enumerated() {
                let ok = found.contains { Self.matches(p, $0) }
                items.append(Item(
                    name: "passage #\(i + 1)", expected: Self.describe(p),
                    found: found.isEmpty ? "no passage" : found.map(Self.describe).joined(separator: "; "), ok: ok))
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

    private static func passage(_ e: [String: Any]) -> Scenario.Passage {
        let subject = e["subject"] as? [String: Any], data = e["data"] as? [String: Any]
        return Scenario.Passage(
            containers: subject?["containers"] as? [String] ?? [], plate: (subject?["plates"] as? [String])?.first,
            gammaAlarm: data?["gammaAlarm"] as? Bool ?? false, scan: data?["scanResult"] as? String)
    }

    private static func matches(_ want: Scenario.Passage, _ got: Scenario.Passage) -> Bool {
        (want.containers == nil || want.containers == got.containers) && (want.plate == nil || want.plate == got.plate)
            && (want.gammaAlarm == nil || want.gammaAlarm == got.gammaAlarm) && (want.scan == nil || want.scan == got.scan)
    }

    private static func describe(_ p: Scenario.Passage) -> String {
        [p.containers.map { "containers [\($0.joined(separator: ", "))]" }, p.plate.map { "plate \($0)" },
         p.gammaAlarm.map { $0 ? "gamma alarm" : "no alarm" }, p.scan.map { "scan \($0)" }].compactMap { $0 }.joined(separator: ", ")
    }
}
