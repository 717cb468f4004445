import HubModel

/// Calendar dates as devices send them, checked before they become instants.
enum CivilDate {
    /// Days since 1970-01-01 for a real calendar date; nil for impossible ones (month 13, 31 April).
    static func days(year: Int, month: Int, day: Int) -> Int? {
        guard (1...12).contains(month), day >= 1 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        return Timestamp.daysSinceEpoch(year: year, month: month, day: day)
    }
}

extension CivilDate {
    /// The calendar date of a day number, for encoders that write a device's date fields.
    static func components(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let (y, m, d) = Timestamp.civilDate(daysSinceEpoch: Int64(days))
        return (Int(y), Int(m), Int(d))
    }
}
