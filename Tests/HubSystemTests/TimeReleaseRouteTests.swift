import Foundation
import HubAppTesting
import HubDevices
import HubModel
import HubTesting
import Testing

/// Two trucks through a lane with a portal monitor on a pseudo-terminal and an OCR camera on loopback TCP:
/// the time-release figures (JSON and CSV) agree with what the stored passages' own evidence times give,
/// in days of the site's zone.
@Suite(.timeLimit(.minutes(3)))
struct TimeReleaseRouteTests {
    static let background = "GB,000380,000380,000380,000380\r\n"
    static let scan = "GS,000064,000064,000064,000064\r\n"

    /// One passage's stage times, read by hand from its stored members.
    struct Expected {
        var arrival: Date
        var radiation: Date?
        /// The latest assessment of a linked declaration, no earlier than the stages before it.
        var decision: Date?
        var channel: String?
        var exit: Date
        var endToEnd: TimeInterval { exit.timeIntervalSince(arrival) }
        var radiationDwell: TimeInterval? { radiation.map { $0.timeIntervalSince(arrival) } }
        var decisionDwell: TimeInterval? { decision.map { $0.timeIntervalSince(radiation ?? arrival) } }
        var exitDwell: TimeInterval { exit.timeIntervalSince(decision ?? radiation ?? arrival) }
        /// The longest dwell's stage, the earlier one on ties.
        var heldAt: String {
            let dwells = [("radiation", radiationDwell), ("decision", decisionDwell), ("exit", exitDwell)]
            return dwells.reduce(("", -Double.infinity)) { best, d in (d.1 ?? -.infinity) > best.1 ? (d.0, d.1!) : best }.0
        }
    }

    @Test func figuresFollowTheStoredPassagesTimes() async throws {
        let lane = try await PortalAndCamera.start(
            label: "time-release", passages: "{beforeS: 30, afterS: 1, gapS: 5}", siteExtra: "console: {timeZone: \(Self.zone.identifier)}")
        let (h, pty) = (lane.hub, lane.pty)
        try await Self.twoTrucks(through: lane)

        // What each stored passage's members say, computed here from their times.
        var expected: [String: Expected] = [:]
        for p in try await h.events("kind=gate.passage") {
            let id = try #require(p["id"] as? String)
            let data = try #require(p["data"] as? [String: Any])
            let passage = try #require(data["passage"] as? String)
            let detail = try await h.get("/api/v1/passages/\(id)").json
            let members = (detail["members"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? [String: Any] }
            func times(_ kinds: Set<String>) -> [Date] {
                members.filter { kinds.contains($0["kind"] as? String ?? "") }
                    .compactMap { ($0["observedAt"] as? String).flatMap(Timestamp.parse) }
            }
            let started = try #require((data["startedAt"] as? String).flatMap(Timestamp.parse))
            let ended = try #require((data["endedAt"] as? String).flatMap(Timestamp.parse))
            let arrival = times([EventKind.occupancyStart, EventKind.ocrRead]).min() ?? started
            let radiation = times([EventKind.occupancy]).min()
            var assessed: (at: Date, channel: String?)?
            let declarations = (detail["passage"] as? [String: Any])?["declarations"] as? [[String: Any]] ?? []
            for d in declarations {
                guard let aid = d["assessment"] as? String else { continue }
                let a = try await h.get("/api/v1/events/\(aid)").json
                let at = try #require((a["observedAt"] as? String).flatMap(Timestamp.parse))
                if assessed == nil || at > assessed!.at { assessed = (at, (a["data"] as? [String: Any])?["channel"] as? String) }
            }
            let decision = assessed.map { max($0.at, radiation ?? arrival, arrival) }
            expected[passage] = Expected(
                arrival: arrival, radiation: radiation, decision: decision, channel: assessed?.channel,
                exit: [ended, radiation, decision].compactMap { $0 }.max()!)
        }
        #expect(expected.count == 2)
        #expect(expected.values.allSatisfy { $0.radiation != nil })
        #expect(expected.values.contains { $0.channel == "green" && $0.decision != nil })

        let r = try await h.get("/api/v1/time-release?by=day&lane=1&slowest=5")
        #expect(r.status == 200)
        #expect(r.json["by"] as? String == "day")
        #expect(r.json["timeZone"] as? String == "Asia/Ho_Chi_Minh")
        #expect(r.json["truncated"] as? Bool == false)
        let groups = r.json["groups"] as? [[String: Any]] ?? []
        #expect(groups.compactMap { $0["passages"] as? Int }.reduce(0, +) == 2)
        for g in groups {
            let start = try #require((g["start"] as? String).flatMap(Timestamp.parse))
            let mine = expected.values.filter { Self.day(of: $0.arrival) == start && $0.channel == g["channel"] as? String }
            #expect(g["passages"] as? Int == mine.count)
            #expect(g["lane"] as? String == "1")
            let stages = try #require(g["stages"] as? [String: [String: Any]])
            Self.expectSpread(stages["decision"], mine.compactMap(\.decisionDwell))
            #expect(stages["decision"]?["missing"] as? Int == mine.filter { $0.decision == nil }.count)
            for stage in ["scan", "verdict"] {
                #expect(stages[stage]?["count"] as? Int == 0)
                #expect(stages[stage]?["missing"] as? Int == mine.count, "a truck not scanned is missing, not zero")
                #expect(stages[stage]?["p50Seconds"] is NSNull)
            }
            Self.expectSpread(stages["radiation"], mine.compactMap(\.radiationDwell))
            Self.expectSpread(stages["exit"], mine.map(\.exitDwell))
            Self.expectSpread(g["endToEnd"] as? [String: Any], mine.map(\.endToEnd))
        }
        // The lane over the whole window, and its trend day by day in the site's zone.
        let lanes = r.json["lanes"] as? [[String: Any]] ?? []
        #expect(lanes.count == 1)
        #expect(lanes.first?["lane"] as? String == "1")
        #expect(lanes.first?["passages"] as? Int == 2)
        Self.expectSpread(lanes.first?["endToEnd"] as? [String: Any], expected.values.map(\.endToEnd))
        Self.expectSpread((lanes.first?["stages"] as? [String: [String: Any]])?["radiation"], expected.values.compactMap(\.radiationDwell))
        let trend = try #require(r.json["trend"] as? [String: Any])
        let days = Set(expected.values.map { Self.day(of: $0.arrival) })
        #expect((trend["days"] as? [String])?.compactMap(Timestamp.parse) == days.sorted())
        let laneSeries = try #require((trend["lanes"] as? [[String: Any]])?.first)
        #expect(laneSeries["lane"] as? String == "1")
        for point in laneSeries["points"] as? [[String: Any]] ?? [] {
            let day = try #require((point["day"] as? String).flatMap(Timestamp.parse))
            Self.expectSpread(point["endToEnd"] as? [String: Any], expected.values.filter { Self.day(of: $0.arrival) == day }.map(\.endToEnd))
        }
        let channels = (trend["channels"] as? [[String: Any]] ?? []).map { $0["channel"] as? String }
        #expect(channels.sorted { ($0 ?? "") < ($1 ?? "") } == Array(Set(expected.values.map(\.channel))).sorted { ($0 ?? "") < ($1 ?? "") })

        let slowest = r.json["slowest"] as? [[String: Any]] ?? []
        let ranked = expected.sorted { ($0.value.endToEnd, $1.key) > ($1.value.endToEnd, $0.key) }
        #expect(slowest.compactMap { $0["passage"] as? String } == ranked.map(\.key))
        for (row, (_, e)) in zip(slowest, ranked) {
            Self.expectSeconds(row["endToEndSeconds"], e.endToEnd)
            #expect(row["heldAt"] as? String == e.heldAt)
            #expect(row["channel"] as? String == e.channel)
            #expect(row["missing"] as? [String] == ["scan", "verdict"] + (e.decision == nil ? ["decision"] : []))
        }

        // The CSV: a header with units, one row per group, the same figures.
        let csv = try await h.request("GET", "/api/v1/time-release.csv?by=day&lane=1")
        #expect(csv.status == 200)
        let lines = csv.text.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(lines.first)
        #expect(header.prefix(9) == ["period_start", "period_start_local", "lane", "channel", "passages", "radiation_count",
                                     "radiation_missing", "radiation_p50_seconds", "radiation_p90_seconds"])
        #expect(header.suffix(4) == ["end_to_end_count", "end_to_end_missing", "end_to_end_p50_seconds", "end_to_end_p90_seconds"])
        #expect(lines.count == groups.count + 1)
        for (row, g) in zip(lines.dropFirst(), groups) {
            #expect(row.count == header.count)
            #expect(row[0] == g["start"] as? String)
            #expect(row[1].hasSuffix("T00:00:00+07:00"), "local midnight: \(row[1])")
            #expect(row[2] == "1")
            #expect(row[3] == g["channel"] as? String ?? "")
            #expect(row[4] == String(g["passages"] as? Int ?? -1))
            func column(_ name: String) -> String? { header.firstIndex(of: name).map { row[$0] } }
            #expect(column("scan_p50_seconds") == "")
            #expect(column("scan_missing") == row[4])
            let e2e = try #require(g["endToEnd"] as? [String: Any])
            Self.expectSeconds(column("end_to_end_p50_seconds").flatMap { Double($0) }, try #require(e2e["p50Seconds"] as? Double))
        }

        // Bad parameters name the field; an operator may not read the figures.
        for (query, field) in [("by=week", "by"), ("slowest=500", "slowest"), ("since=yesterday", "since"),
                               ("since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z", "until")] {
            let bad = try await h.get("/api/v1/time-release?\(query)")
            #expect(bad.status == 400, "\(query)")
            #expect(bad.json["field"] as? String == field, "\(query)")
        }
        #expect(try await h.get("/api/v1/time-release.csv?by=hours").json["field"] as? String == "by")
        #expect(try await h.get("/api/v1/time-release", token: try await h.token("operator")).status == 403)
        try await h.stop()
        pty.close()
    }

    /// Truck A: the camera reads its plate, then it passes the portal; truck B passes without a read. Then the
    /// declaration naming truck A's plate, whose risk assessment is the customs decision and gives the channel;
    /// returns once a passage shows that assessment.
    static func twoTrucks(through lane: PortalAndCamera) async throws {
        let (h, camera) = (lane.hub, lane.camera)
        func write(_ text: String) { lane.write(text) }
        try camera.send("OCR,1,,PLATE,51C-123.45,88,front\r\n")
        #expect(await eventually { (try? await h.events("kind=ocr.read").count) == 1 })
        write(Self.background + Self.scan + Self.scan + Self.scan + "GX,000003,001200,000000,000000\r\n")
        #expect(await eventually(timeout: .seconds(20)) { (try? await h.events("kind=gate.passage").count) == 1 })
        write(Self.background + Self.scan + Self.scan + "GX,000002,001200,000000,000000\r\n")
        // Two vehicles, whatever revisions the first one's passage went through meanwhile.
        func vehicles() async -> Int {
            Set(((try? await h.events("kind=gate.passage")) ?? []).compactMap { ($0["data"] as? [String: Any])?["passage"] as? String }).count
        }
        #expect(await eventually(timeout: .seconds(20)) { await vehicles() == 2 })
        #expect(try await h.post("/api/v1/declarations", DeclarationSamples.doc("400000000021", containers: [])).status == 201)
        #expect(await eventually {
            let rows = (try? await h.get("/api/v1/passages").json["passages"] as? [[String: Any]]) ?? []
            return rows.contains { row in
                (row["declarations"] as? [[String: Any]] ?? []).contains { $0["assessment"] as? String != nil }
            }
        })
    }

    static let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    /// Midnight before `at` in Hồ Chí Minh City (UTC+7, no summer time): 17:00Z the day before.
    static func day(of at: Date) -> Date {
        let shifted = at.timeIntervalSince1970 + 7 * 3600
        return Date(timeIntervalSince1970: (shifted / 86400).rounded(.down) * 86400 - 7 * 3600)
    }

    /// The served p50/p90 match the nearest-rank percentiles of `values`.
    static func expectSpread(_ served: [String: Any]?, _ values: [TimeInterval], sourceLocation: SourceLocation = #_sourceLocation) {
        let sorted = values.sorted()
        #expect(served?["count"] as? Int == sorted.count, sourceLocation: sourceLocation)
        guard !sorted.isEmpty else { return }
        func rank(_ p: Double) -> TimeInterval { sorted[max(Int((p * Double(sorted.count)).rounded(.up)), 1) - 1] }
        expectSeconds(served?["p50Seconds"], rank(0.5), sourceLocation: sourceLocation)
        expectSeconds(served?["p90Seconds"], rank(0.9), sourceLocation: sourceLocation)
    }

    /// Seconds from stored millisecond times: equal to the millisecond.
    static func expectSeconds(_ served: Any?, _ value: TimeInterval, sourceLocation: SourceLocation = #_sourceLocation) {
        let s = (served as? Double) ?? (served as? Int).map(Double.init)
        #expect(s.map { abs($0 - value) < 0.0005 } == true, "served \(String(describing: served)), expected \(value)",
                sourceLocation: sourceLocation)
    }
}
