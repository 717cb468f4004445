import Foundation
import HubCorrelation
import HubModel
import Testing

/// A transit watch cut off at any point (a restart, another hub taking over) and rebuilt from the
/// findings stored until then and the reports it had been fed finds, from there on, what the
/// uninterrupted watch finds: no finding twice, none missing.
struct TransitRestoreTests {
    static let t0 = TransitWatchTests.t0

    /// What happens to a watch, in order: a report, or the hub's clock.
    enum Step {
        case report(TransitWatch.Report)
        case tick(Date)
    }

    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    static func fix(_ minutes: Double, _ lat: Double, _ lon: Double, speed: Double = 50) -> Step {
        .report(.fix(lat: lat, lon: lon, speedKmh: speed, at: at(minutes)))
    }

    /// Off the corridor, stopped there a while, back on, a seal opened on the way, a silence, a
    /// second short excursion, overdue, arrived; the hub ticks every ten minutes.
    static let steps: [Step] = {
        var s: [Step] = [fix(0, 10.7601, 106.7901, speed: 0), fix(10, 10.80, 106.71)]
        for m in 20...23 { s.append(fix(Double(m), 10.86, 106.70, speed: 40)) }
        for m in stride(from: 24.0, through: 45, by: 3) { s.append(fix(m, 10.86, 106.70, speed: 1)) }
        s.append(fix(50, 10.90, 106.50))
        s.append(.report(.seal(status: "opened", lat: 10.90, lon: 106.50, at: at(55))))
        s += [.tick(at(60)), .tick(at(70)), .tick(at(80)), .tick(at(90))]
        s.append(fix(100, 10.985, 106.345))
        for m in 130...132 { s.append(fix(Double(m), 11.005, 106.365)) }
        s.append(fix(140, 11.02, 106.28))
        s.append(fix(160, 11.04, 106.245))
        s += [.tick(at(170)), .tick(at(190))]
        s.append(fix(200, 11.0700, 106.1902, speed: 10))
        s.append(.tick(at(210)))
        return s
    }()

    static func run(_ w: inout TransitWatch, _ steps: some Sequence<Step>) -> [TransitWatch.Finding] {
        var out: [TransitWatch.Finding] = []
        for step in steps {
            switch step {
            case .report(let r): out += w.feed(r)
            case .tick(let now): out += w.tick(now)
            }
        }
        return out
    }

    /// Runs the steps and returns what a hub stores of them, in order: each report, then what the
    /// watch found.
    static func stored(_ w: inout TransitWatch, _ steps: some Sequence<Step>) -> [TransitWatch.Stored] {
        var out: [TransitWatch.Stored] = []
        for step in steps {
            switch step {
            case .report(let r): out += [.report(r)] + w.feed(r).map { .finding($0) }
            case .tick(let now): out += w.tick(now).map { .finding($0) }
            }
        }
        return out
    }

    static func findings(_ stored: [TransitWatch.Stored]) -> [TransitWatch.Finding] {
        stored.compactMap { if case .finding(let f) = $0 { f } else { nil } }
    }

    static func watch() -> TransitWatch { TransitWatchTests.watch(end: 3 * 3600) }

    @Test func theUninterruptedRunFindsEachThingOnce() {
        var w = Self.watch()
        let found = Self.run(&w, Self.steps)
        #expect(found.map(\.kind) == [
            .deviation, .stop, .returned, .seal, .signalLost, .signalRegained, .deviation, .returned, .overdue, .arrived,
        ])
        #expect(w.closed)
    }

    @Test func cutAtEveryStepAndRestoredItFindsTheRestExactlyOnce() {
        var whole = Self.watch()
        let expected = Self.run(&whole, Self.steps)
        for k in 0...Self.steps.count {
            var before = Self.watch()
            let stored = Self.stored(&before, Self.steps.prefix(k))
            var restored = Self.watch()
            #expect(restored.restore(stored).isEmpty, "cut after step \(k): everything found was stored")
            let after = Self.run(&restored, Self.steps.dropFirst(k))
            #expect(Self.findings(stored) + after == expected, "cut after step \(k)")
        }
    }

    @Test func whatTheOldOwnerFoundButDidNotStoreIsFoundOnceOnRestore() {
        var whole = Self.watch()
        let expected = Self.run(&whole, Self.steps)
        var cases = 0
        for k in 1...Self.steps.count {
            guard case .report(let report) = Self.steps[k - 1] else { continue }
            var before = Self.watch()
            let storedFirst = Self.stored(&before, Self.steps.prefix(k - 1))
            // The k-th report was stored; what the watch found in it was not.
            let lost = before.feed(report)
            if !lost.isEmpty { cases += 1 }
            var restored = Self.watch()
            let again = restored.restore(storedFirst + [.report(report)])
            #expect(again == lost, "died after step \(k)")
            let after = Self.run(&restored, Self.steps.dropFirst(k))
            #expect(Self.findings(storedFirst) + again + after == expected, "died after step \(k)")
        }
        #expect(cases == 8, "every report-driven finding is among the cases")
    }

    /// With no reports left to replay (purged), the stored findings alone set what the watch says.
    @Test func theStoredFindingsAloneSetTheState() {
        var whole = Self.watch()
        let found = Self.run(&whole, Self.steps.prefix(8))
        #expect(found.map(\.kind) == [.deviation])
        var w = Self.watch()
        #expect(w.restore(findings: found, replaying: []).isEmpty)
        #expect(w.fix(lat: 10.86, lon: 106.70, speedKmh: 40, at: Self.at(30)).isEmpty, "still deviating: not said again")
        #expect(w.fix(lat: 10.90, lon: 106.50, speedKmh: 50, at: Self.at(31)).map(\.kind) == [.returned])

        var due = Self.watch()
        let overdue = TransitWatch.Finding(kind: .overdue, at: Self.at(181), severity: .alarm, detail: "not arrived")
        let lost = TransitWatch.Finding(kind: .signalLost, at: Self.at(100), severity: .warning, detail: "no position")
        #expect(due.restore(findings: [lost, overdue], replaying: []).isEmpty)
        #expect(due.tick(Self.at(200)).isEmpty, "overdue and the lost signal are said once")
        #expect(due.fix(lat: 10.985, lon: 106.345, speedKmh: 60, at: Self.at(201)).map(\.kind) == [.signalRegained])

        var arrived = Self.watch()
        let end = TransitWatch.Finding(kind: .arrived, at: Self.at(200), severity: .info, detail: "arrived")
        _ = arrived.restore(findings: [end], replaying: [])
        #expect(arrived.closed)
        #expect(arrived.fix(lat: 11.0700, lon: 106.1902, speedKmh: 0, at: Self.at(205)).isEmpty, "arrived once")
    }

    /// A unit out of coverage keeps its positions and delivers them late: observed before the
    /// silence was reported, they still end it, once, in a restored watch as in the first.
    @Test func positionsDeliveredAfterTheSilenceWasReportedEndItOnce() {
        let late: [Step] = [
            Self.fix(10, 10.80, 106.71), .tick(Self.at(45)), Self.fix(30, 10.85, 106.6035), Self.fix(31, 10.86, 106.583),
            .tick(Self.at(50)), Self.fix(52, 10.90, 106.50),
        ]
        var whole = Self.watch()
        let expected = Self.run(&whole, late)
        #expect(expected.map(\.kind) == [.signalLost, .signalRegained])
        for k in 0...late.count {
            var before = Self.watch()
            let stored = Self.stored(&before, late.prefix(k))
            var restored = Self.watch()
            #expect(restored.restore(stored).isEmpty, "cut after step \(k)")
            #expect(Self.findings(stored) + Self.run(&restored, late.dropFirst(k)) == expected, "cut after step \(k)")
        }
    }
}
