import Foundation
import HubServer
import HubSite
import HubStore
import HubTesting
import Logging
import Synchronization
import Testing

/// The daily report service against a clock the test moves: a report falls due at the configured local
/// hour of the next day, and a hub started after days away writes the days it missed, each delivered once.
struct DailyReportServiceTests {
    /// A clock that stands still until the test moves it; a sleep returns once the clock reaches its instant.
    final class MovedClock: ReportClock {
        private let instant: Mutex<Date>
        init(_ start: Date) { instant = Mutex(start) }
        var now: Date { instant.withLock { $0 } }
        func move(to date: Date) { instant.withLock { $0 = date } }
        func sleep(until target: Date) async throws {
            while now < target {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// The days delivered, in order.
    final class Days: Sendable {
        private let days = Mutex<[String]>([])
        func add(_ day: String) { days.withLock { $0.append(day) } }
        var all: [String] { days.withLock { $0 } }
    }

    /// How long a report may take to appear: seconds on a quiet machine, but a full parallel test run on two cores
    /// once took over 20 s to open the store and write the first one. The test must not move the clock before it.
    static let patience: Duration = .seconds(180)

    static let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    static func local(_ text: String) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }

    func service(_ dir: TemporaryDirectory, _ clock: MovedClock, delivered: Days) throws -> DailyReportService {
        let store = try SQLiteEventStore(path: dir.path("store.sqlite"))
        let settings = ReportSettings(
            folder: dir.path("reports"), hour: 6, pdf: .never, subscribers: [.init(name: "Lan", email: "lan@gate.example")])
        return DailyReportService(
            settings: { settings }, zone: { Self.zone },
            builder: { zone in
                DailyReportBuilder(
                    store: store, declarations: nil, adjudications: nil, site: "vn-lao-bao", zone: zone,
                    laneDevices: ["1": ["rpm-lane1"]])
            }, clock: clock,
            delivery: ReportDeliveryClosure { day, files, to in
                #expect(files.keys.contains("\(day).csv") && to.map(\.email) == ["lan@gate.example"])
                delivered.add(day)
            }, logger: Logger(label: "reports-test"))
    }

    @Test func aReportIsWrittenAtTheLocalHourAndMissedDaysAfterARestart() async throws {
        let dir = try TemporaryDirectory("report-service")
        let delivered = Days()
        let archive = ReportArchive(folder: dir.path("reports"))

        // 05:00 on 5 December: the 4th's report is not due before 06:00, so the 3rd's is the one written at start.
        let clock = MovedClock(Self.local("2026-12-05 05:00"))
        let running = Task { try await service(dir, clock, delivered: delivered).run() }
        #expect(await eventually(timeout: Self.patience) { archive.list().map(\.day) == ["2026-12-03"] })
        clock.move(to: Self.local("2026-12-05 06:01"))
        #expect(await eventually(timeout: Self.patience) { archive.list().map(\.day) == ["2026-12-04", "2026-12-03"] })
        #expect(await eventually(timeout: Self.patience) { delivered.all == ["2026-12-03", "2026-12-04"] })
        running.cancel()
        _ = await running.result

        // Started again on the 8th at 07:00: the 5th, 6th and 7th were missed, and are written oldest first.
        let later = MovedClock(Self.local("2026-12-08 07:00"))
        let again = Task { try await service(dir, later, delivered: delivered).run() }
        #expect(await eventually(timeout: Self.patience) { archive.list().count == 5 })
        #expect(archive.list().map(\.day) == ["2026-12-07", "2026-12-06", "2026-12-05", "2026-12-04", "2026-12-03"])
        #expect(await eventually(timeout: Self.patience) { delivered.all.count == 5 })
        #expect(delivered.all == ["2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07"])
        let csv = try String(contentsOfFile: try #require(archive.file("2026-12-06.csv")), encoding: .utf8)
        #expect(csv.contains("2026-12-06,Asia/Ho_Chi_Minh,vn-lao-bao,1,0,"))
        again.cancel()
        _ = await again.result
    }
}
