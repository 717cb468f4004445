import Foundation

/// How much time one partition of a store's events spans (`retention.partition`): PostgreSQL
/// closes the open partition once the newest events are received in a later period, and retention
/// drops a closed partition whole once every kind in it is past its age.
public enum PartitionPeriod: String, Sendable, CaseIterable {
    /// Monday 00:00 UTC to the next Monday.
    case week
    /// The first of the month 00:00 UTC to the next first.
    case month

    /// The start of the period holding `date`, in UTC.
    public func start(of date: Date) -> Date {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components: DateComponents =
            switch self {
            case .week: calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            case .month: calendar.dateComponents([.year, .month], from: date)
            }
        return calendar.date(from: components) ?? date
    }
}
