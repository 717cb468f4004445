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
        // Howard Hinnant's civil-from-days, in proleptic Gregorian.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
