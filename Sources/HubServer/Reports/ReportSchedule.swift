import Foundation

/// When the daily report is due: a day's report is written at `hour` (local) of the following day.
public struct ReportSchedule: Sendable {
    public var hour: Int
    public var zone: TimeZone
    private var calendar: Calendar

    public init(hour: Int, zone: TimeZone) {
        self.hour = hour
        self.zone = zone
        calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
    }

    /// Local midnight starting the day `at` falls in.
    public func startOfDay(_ at: Date) -> Date { calendar.startOfDay(for: at) }

    /// The local midnight after `day`'s (23 or 25 hours later where the zone changes its clocks).
    public func nextDay(_ day: Date) -> Date { calendar.date(byAdding: .day, value: 1, to: startOfDay(day))! }

    public func previousDay(_ day: Date) -> Date { calendar.date(byAdding: .day, value: -1, to: startOfDay(day))! }

    /// When the report of the day starting at `day` is due: `hour` o'clock of the next day.
    public func dueAt(_ day: Date) -> Date {
        calendar.date(bySettingHour: hour, minute: 0, second: 0, of: nextDay(day)) ?? nextDay(day)
    }

    /// The newest day whose report is due at `now`: yesterday once today's hour has come, else the day before.
    public func latestDue(now: Date) -> Date {
        let yesterday = previousDay(now)
        return dueAt(yesterday) <= now ? yesterday : previousDay(yesterday)
    }

    /// `2026-12-05`: the day's name in file names and the API.
    public func name(_ day: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// The local midnight of a day named `2026-12-05`; nil for anything else.
    public func day(named text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard text.count == 10, parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        guard let d = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            name(d) == text
        else { return nil }
        return d
    }
}
