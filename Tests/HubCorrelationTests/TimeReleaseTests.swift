import Foundation
import HubCorrelation
import HubModel
import Testing

struct TimeReleaseTests {
    /// 2026-12-04T10:00:00Z.
    let t0 = Date(timeIntervalSince1970: 1_796_378_400)

    func stamps(_ id: String, lane: String? = "1", channel: String? = "green",
                _ offsets: [TimeReleaseStage: TimeInterval]) -> TimeReleaseStamps {
        TimeReleaseStamps(passage: id, lane: lane, channel: channel, times: offsets.mapValues { t0 + $0 })
    }

    @Test func dwellsRunFromTheLatestEarlierStage() {
        let s = stamps("P1", [.arrival: 0, .radiation: 40, .scan: 160, .verdict: 400, .decision: 430, .exit: 500])
        #expect(s.dwells == [.radiation: 40, .scan: 120, .verdict: 240, .decision: 30, .exit: 70])
        #expect(s.endToEnd == 500)
        #expect(s.missing.isEmpty)
        #expect(s.holdingStage?.stage == .verdict)
        #expect(s.holdingStage?.seconds == 240)
    }

    @Test func aTruckNotScannedHasMissingStagesNotZeros() {
        let s = stamps("P2", [.arrival: 0, .radiation: 30, .decision: 90, .exit: 100])
        #expect(s.missing == [.scan, .verdict])
        #expect(s.dwells[.scan] == nil)
        #expect(s.dwells[.verdict] == nil)
        // The skipped stages' wait lands on the decision, the next stage the truck reached.
        #expect(s.dwells[.decision] == 60)
        #expect(s.endToEnd == 100)
    }

    @Test func noExitMeansNoEndToEnd() {
        let s = stamps("P3", [.arrival: 0, .radiation: 30])
        #expect(s.endToEnd == nil)
        #expect(s.missing == [.scan, .verdict, .decision, .exit])
    }

    @Test func nearestRankPercentilesAreObservedValues() {
        let spread = TimeReleaseFigures.Spread([50, 10, 40, 20, 30, 60, 70, 80, 90, 100], absent: 2)
        #expect(spread.count == 10)
        #expect(spread.missing == 2)
        #expect(spread.p50 == 50)
        #expect(spread.p90 == 90)
        let one = TimeReleaseFigures.Spread([42], absent: 0)
        #expect(one.p50 == 42)
        #expect(one.p90 == 42)
        let none = TimeReleaseFigures.Spread([], absent: 3)
        #expect(none.p50 == nil)
        #expect(none.p90 == nil)
        #expect(none.missing == 3)
    }

    @Test func figuresGroupByHourLaneAndChannel() {
        let all = [
            stamps("A", [.arrival: 0, .radiation: 20, .scan: 80, .exit: 100]),
            stamps("B", [.arrival: 600, .radiation: 650, .exit: 700]),
            stamps("C", channel: "red", [.arrival: 900, .radiation: 930, .scan: 1000, .verdict: 1300, .exit: 1500]),
            stamps("D", lane: "2", [.arrival: 1200, .exit: 1260]),
            stamps("E", [.arrival: 3700, .radiation: 3710, .exit: 3720]),
        ]
        let hourly = TimeReleaseFigures(all, by: .hour)
        #expect(hourly.groups.map(\.passages) == [2, 1, 1, 1])
        let first = hourly.groups[0]
        #expect(first.start == t0)
        #expect(first.lane == "1")
        #expect(first.channel == "green")
        #expect(first.stages[.radiation] == TimeReleaseFigures.Spread(count: 2, missing: 0, p50: 20, p90: 50))
        #expect(first.stages[.scan] == TimeReleaseFigures.Spread(count: 1, missing: 1, p50: 60, p90: 60))
        #expect(first.stages[.exit] == TimeReleaseFigures.Spread(count: 2, missing: 0, p50: 20, p90: 50))
        #expect(first.stages[.arrival] == nil)
        #expect(first.endToEnd == TimeReleaseFigures.Spread(count: 2, missing: 0, p50: 100, p90: 100))
        #expect(hourly.groups[1].channel == "red")
        #expect(hourly.groups[1].endToEnd.p50 == 600)
        #expect(hourly.groups[2].lane == "2")
        #expect(hourly.groups[3].start == t0 + 3600)

        let daily = TimeReleaseFigures(all, by: .day)
        #expect(daily.groups.map(\.passages) == [3, 1, 1])
        #expect(daily.groups[0].start == Date(timeIntervalSince1970: 1_796_342_400))
        #expect(daily.groups[0].endToEnd == TimeReleaseFigures.Spread(count: 3, missing: 0, p50: 100, p90: 100))
    }

    @Test func slowestPassagesComeFirstWithTheStageThatHeldThem() {
        let all = [
            stamps("A", [.arrival: 0, .scan: 80, .exit: 100]),
            stamps("B", [.arrival: 0, .radiation: 10, .verdict: 700, .exit: 710]),
            stamps("C", [.arrival: 0, .radiation: 10]),
        ]
        let slow = TimeReleaseFigures.slowest(all, count: 5)
        #expect(slow.map(\.passage) == ["B", "A"])
        #expect(slow[0].holdingStage?.stage == .verdict)
        #expect(slow[1].holdingStage?.stage == .scan)
        #expect(TimeReleaseFigures.slowest(all, count: 1).map(\.passage) == ["B"])
    }

    @Test func stampsComeFromThePassagesOwnEvidence() throws {
        let ids = EventIDGenerator()
        func event(_ kind: String, at offset: TimeInterval, data: [String: JSONValue] = [:]) -> InspectionEvent {
            InspectionEvent(
                id: ids.next(at: t0 + offset), kind: kind, device: DeviceRef(id: "d", profile: "p", family: "f"),
                site: "s", lane: "3", observedAt: t0 + offset, receivedAt: t0 + offset, subject: Subject(),
                data: data, severity: .info, raw: RawRef(sha256: String(repeating: "0", count: 64), format: "t"))
        }
        let start = event(EventKind.occupancyStart, at: 5)
        let plate = event(EventKind.ocrRead, at: 2)
        let occupancy = event(EventKind.occupancy, at: 35)
        let stranger = event(EventKind.scanResult, at: 50)
        let payload = GatePassagePayload(
            passage: "P9", revision: 1, startedAt: t0 + 2, endedAt: t0 + 35,
            events: [start.id, plate.id, occupancy.id], missing: ["scan"], alarmed: false, ambiguous: false)
        let passage = event(EventKind.passage, at: 35, data: payload.json)
        let s = TimeReleaseStamps(passage: passage, payload: payload, evidence: [start, plate, occupancy, stranger])
        #expect(s.passage == "P9")
        #expect(s.lane == "3")
        #expect(s.channel == nil)
        #expect(s.times[.arrival] == t0 + 2)
        #expect(s.times[.radiation] == t0 + 35)
        #expect(s.times[.scan] == nil)
        #expect(s.times[.exit] == t0 + 35)
        #expect(s.missing == [.scan, .verdict, .decision])
        #expect(s.endToEnd == 33)
    }

    @Test func aDecisionTakenBeforeArrivalHeldNobody() {
        let ids = EventIDGenerator()
        func event(_ kind: String, at offset: TimeInterval, payload: EventPayload) -> InspectionEvent {
            InspectionEvent(
                id: ids.next(at: t0 + offset), kind: kind, device: DeviceRef(id: "d", profile: "p", family: "f"),
                site: "s", lane: "1", observedAt: t0 + offset, receivedAt: t0 + offset, payload: payload,
                severity: .info, raw: RawRef(sha256: String(repeating: "0", count: 64), format: "t"))
        }
        let risk = RiskAssessmentPayload(
            score: 72, channel: "red", declaredChannel: "green", declarationVersion: 1, signals: [], modifiers: [:],
            escalated: true)
        let assessed = event(EventKind.riskAssessment, at: -3600, payload: risk.payload)
        let payload = GatePassagePayload(
            passage: "P10", revision: 1, startedAt: t0, endedAt: t0 + 90, events: [], missing: nil, alarmed: false,
            ambiguous: false)
        let passage = event(EventKind.passage, at: 90, payload: payload.payload)
        let s = TimeReleaseStamps(passage: passage, payload: payload, evidence: [], decision: assessed)
        #expect(s.channel == "red")
        #expect(s.times[.arrival] == t0)
        #expect(s.times[.decision] == t0)
        #expect(s.dwells[.decision] == 0)
        #expect(s.dwells[.exit] == 90)
    }

    @Test func hoursAndDaysAreTheSitesOwn() throws {
        let hanoi = try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh"))
        // 10:00Z is 17:00 in Hồ Chí Minh City; 17:30Z is 00:30 the next local day (UTC still says the same day).
        let all = [stamps("A", [.arrival: 0, .exit: 60]), stamps("B", [.arrival: 27_000, .exit: 27_120])]
        let local = TimeReleaseFigures(all, by: .day, in: hanoi)
        #expect(local.zone == hanoi)
        #expect(local.groups.map(\.start) == [Date(timeIntervalSince1970: 1_796_317_200), Date(timeIntervalSince1970: 1_796_403_600)])
        #expect(TimeReleaseFigures(all, by: .day).groups.count == 1, "one UTC day")
        // A zone half an hour off UTC starts its hours on the half hour.
        let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
        #expect(TimeReleaseFigures.start(of: t0, .hour, in: kolkata) == t0 - 1800)
    }

    @Test func theTrendFollowsEachLaneAndEachChannelDayByDay() throws {
        let hanoi = try #require(TimeZone(identifier: "Asia/Ho_Chi_Minh"))
        let day = 86_400.0
        let all = [
            stamps("A", [.arrival: 0, .exit: 100]),
            stamps("B", channel: "red", [.arrival: 60, .exit: 900]),
            stamps("C", lane: "2", [.arrival: 120, .exit: 300]),
            stamps("D", [.arrival: day, .exit: day + 200]),
            stamps("E", [.arrival: day + 10]),
        ]
        let trend = TimeReleaseTrend(all, in: hanoi)
        let first = TimeReleaseFigures.start(of: t0, .day, in: hanoi)
        #expect(trend.days == [first, first + day])
        #expect(trend.lanes.map(\.name) == ["1", "2"])
        let lane1 = trend.lanes[0].points
        #expect(lane1.map(\.passages) == [2, 2])
        #expect(lane1[0].endToEnd == TimeReleaseFigures.Spread(count: 2, missing: 0, p50: 100, p90: 840))
        #expect(lane1[1].endToEnd == TimeReleaseFigures.Spread(count: 1, missing: 1, p50: 200, p90: 200))
        #expect(trend.lanes[1].points.map(\.day) == [first])
        #expect(trend.channels.map(\.name) == ["green", "red"])
        #expect(trend.channels[0].points.map(\.passages) == [2, 2])
        #expect(trend.channels[1].points[0].endToEnd.p50 == 840)

        let lanes = TimeReleaseFigures.lanes(all)
        #expect(lanes.map(\.lane) == ["1", "2"])
        #expect(lanes[0].measures.passages == 4)
        #expect(lanes[0].measures.endToEnd == TimeReleaseFigures.Spread(count: 3, missing: 1, p50: 200, p90: 840))
    }
}
