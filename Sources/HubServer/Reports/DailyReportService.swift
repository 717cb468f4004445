import Foundation
import HubSite
import Logging
import ServiceLifecycle

/// What time it is, and a wait until a time: the wall clock in a hub, a clock the test moves in tests.
public protocol ReportClock: Sendable {
    var now: Date { get }
    /// Returns at `instant` or soon after (or throws when cancelled).
    func sleep(until instant: Date) async throws
}

/// The wall clock. Waits at most a minute at a time, so a clock set forward (or a machine resumed) is noticed.
public struct WallClock: ReportClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until instant: Date) async throws {
        let wait = min(max(instant.timeIntervalSinceNow, 0), 60)
        try await Task.sleep(for: .milliseconds(Int(wait * 1000) + 1))
    }
}

/// Writes each day's report at the configured local hour of the next day, into the configured folder; after a
/// restart it writes what was missed (the days since the newest report kept, a week at most), then delivers
/// each written report to the subscribers when a `ReportDelivery` is plugged in.
public struct DailyReportService: Service {
    let settings: @Sendable () -> ReportSettings?
    let zone: @Sendable () -> TimeZone
    let builder: @Sendable (TimeZone) -> DailyReportBuilder
    let clock: any ReportClock
    let delivery: (any ReportDelivery)?
    let words: @Sendable () -> MessageCatalog
    let logger: Logger

    /// Days written after a restart at most.
    static let catchUpDays = 7

    /// `settings`, `zone` and `words` (the console's catalogs) are read before each report (a reload applies
    /// from the next); `builder` makes the report reader for a zone.
    public init(
        settings: @escaping @Sendable () -> ReportSettings?, zone: @escaping @Sendable () -> TimeZone,
        builder: @escaping @Sendable (TimeZone) -> DailyReportBuilder, clock: any ReportClock = WallClock(),
        delivery: (any ReportDelivery)? = nil,
        words: @escaping @Sendable () -> MessageCatalog = { MessageCatalog(folder: consoleAssetFolder(configured: nil)) },
        logger: Logger
    ) {
        self.settings = settings
        self.zone = zone
        self.builder = builder
        self.clock = clock
        self.delivery = delivery
        self.words = words
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                guard let s = settings() else {
                    try? await clock.sleep(until: clock.now.addingTimeInterval(60))
                    continue
                }
                let schedule = ReportSchedule(hour: s.hour, zone: zone())
                await writeDue(s, schedule)
                // The next report's hour (when today's is past, tomorrow's).
                let next = schedule.dueAt(schedule.nextDay(schedule.latestDue(now: clock.now)))
                try? await clock.sleep(until: next)
            }
        }
    }

    /// Writes every due day not yet in the folder: the newest due day, and the days before it back to the newest
    /// report kept (a week at most).
    func writeDue(_ s: ReportSettings, _ schedule: ReportSchedule) async {
        let archive = ReportArchive(folder: s.folder)
        let newestKept = archive.list().first.flatMap { schedule.day(named: $0.day) }
        var days: [Date] = []
        var day = schedule.latestDue(now: clock.now)
        while days.count < Self.catchUpDays, !archive.has(day: schedule.name(day)) {
            days.append(day)
            guard let kept = newestKept, day > schedule.nextDay(kept) else { break }
            day = schedule.previousDay(day)
        }
        let catalog = words()
        if !days.isEmpty, !catalog.has("report.title", "vi") {
            logger.error("the console's catalogs (i18n/vi.json, en.json) were not found: the report shows its words' keys")
        }
        for day in days.reversed() {
            do {
                let report = try await builder(schedule.zone).build(day: day, now: clock.now)
                let files = try await archive.write(report, pdf: s.pdf, chromium: s.chromium, words: catalog, logger: logger)
                logger.info("daily report written", metadata: ["day": "\(report.day)", "files": "\(files.map(\.name))"])
                await deliver(report, archive.paths(of: files), s, catalog)
            } catch is CancellationError {
                return
            } catch {
                logger.error("daily report failed", metadata: ["day": "\(schedule.name(day))", "error": "\(error)"])
            }
        }
    }

    /// To each subscriber the report of their lanes (`ReportDispatch`).
    private func deliver(_ report: DailyReport, _ files: [String: String], _ s: ReportSettings, _ words: MessageCatalog) async {
        guard let delivery, !s.subscribers.isEmpty else { return }
        let dispatch = ReportDispatch(delivery: delivery, pdf: s.pdf, chromium: s.chromium, words: words, logger: logger)
        do {
            try await dispatch.send(report, siteFiles: files, to: s.subscribers)
        } catch {
            logger.error("daily report not delivered", metadata: ["day": "\(report.day)", "error": "\(error)"])
        }
    }
}
