import Foundation

/// The daily report's words in the two languages of the console (Vietnamese first); `{name}` is filled in.
enum ReportWords {
    static let vi: [String: String] = [
        "title": "Báo cáo ngày {day} · {site}",
        "generated": "Lập lúc {time} ({zone}). Một ngày tính từ 0 giờ đến 24 giờ theo giờ {zone}.",
        "truncated": "Ngày này có hơn 5.000 lượt qua: chỉ 5.000 lượt đầu được tính.",
        "noLanes": "Không có làn nào có hoạt động hoặc thiết bị trong ngày này.",
        "lane": "Làn {lane}",
        "passages": "{n} lượt qua, trong đó {alarmed} có báo động.",
        "alarms": "{n} báo động: {list}.",
        "noAlarms": "Không có báo động.",
        "scans": "{n} lần soi chiếu; kết luận cuối cùng trong ngày: {list}.",
        "noScans": "Không có lần soi chiếu nào.",
        "devices": "Thiết bị",
        "device": "Thiết bị",
        "available": "Sẵn sàng",
        "outages": "Số lần gián đoạn",
        "unknown": "không rõ trạng thái",
        "timeRelease": "Thời gian giải phóng hàng",
        "stage": "Khâu",
        "reached": "Số xe qua",
        "noTimes": "Không có lượt qua nào để tính thời gian.",
        "code.real": "thật", "code.norm": "phóng xạ tự nhiên (NORM)", "code.false": "báo động giả", "code.test": "thử / kiểm tra nguồn",
        "code.tamper-fault": "can thiệp / lỗi thiết bị", "code.outcome-only": "đã xử lý, không có mã", "code.none": "chưa xử lý",
        "verdict.clear": "thông quan", "verdict.suspect": "nghi vấn", "verdict.inspect": "kiểm tra thực tế",
        "stage.radiation": "Kiểm tra phóng xạ", "stage.scan": "Soi chiếu", "stage.verdict": "Kết luận ảnh soi",
        "stage.decision": "Quyết định hải quan", "stage.exit": "Ra khỏi làn", "stage.endToEnd": "Từ lúc đến đến lúc ra",
        "span.s": "{s} giây", "span.m": "{m} phút", "span.ms": "{m} phút {s} giây", "span.hm": "{h} giờ {m} phút",
        "none": "không có",
    ]
    static let en: [String: String] = [
        "title": "Daily report {day} · {site}",
        "generated": "Made at {time} ({zone}). A day runs from midnight to midnight in {zone}.",
        "truncated": "This day had more than 5,000 passages: only the first 5,000 are counted.",
        "noLanes": "No lane had activity or devices on this day.",
        "lane": "Lane {lane}",
        "passages": "{n} passages, {alarmed} of them with an alarm.",
        "alarms": "{n} alarms: {list}.",
        "noAlarms": "No alarms.",
        "scans": "{n} scans; final image verdicts given that day: {list}.",
        "noScans": "No scans.",
        "devices": "Devices",
        "device": "Device",
        "available": "Available",
        "outages": "Outages",
        "unknown": "state unknown",
        "timeRelease": "Time release",
        "stage": "Stage",
        "reached": "Trucks",
        "noTimes": "No passage to time.",
        "code.real": "real", "code.norm": "NORM", "code.false": "false alarm", "code.test": "test or source check",
        "code.tamper-fault": "tamper or fault", "code.outcome-only": "adjudicated without a code", "code.none": "not adjudicated",
        "verdict.clear": "clear", "verdict.suspect": "suspect", "verdict.inspect": "physical inspection",
        "stage.radiation": "Radiation check", "stage.scan": "Scan", "stage.verdict": "Image verdict",
        "stage.decision": "Customs decision", "stage.exit": "Exit", "stage.endToEnd": "Arrival to exit",
        "span.s": "{s} s", "span.m": "{m} min", "span.ms": "{m} min {s} s", "span.hm": "{h} h {m} min",
        "none": "none",
    ]

    /// The report's languages, with their catalogs and the locale numbers are written in.
    static let languages: [(code: String, words: [String: String], locale: Locale)] = [
        ("vi", vi, Locale(identifier: "vi_VN")), ("en", en, Locale(identifier: "en_GB")),
    ]
}

/// One language of the report: its words, numbers and spans.
struct ReportLanguage {
    let code: String
    let words: [String: String]
    let locale: Locale

    init(_ code: String) {
        let l = ReportWords.languages.first { $0.code == code } ?? ReportWords.languages[0]
        self.code = l.code
        words = l.words
        locale = l.locale
    }

    func t(_ key: String, _ vars: [String: String] = [:]) -> String {
        var s = words[key] ?? key
        for (k, v) in vars { s = s.replacingOccurrences(of: "{\(k)}", with: v) }
        return s
    }

    func number(_ n: Int) -> String {
        let f = NumberFormatter()
        f.locale = locale
        f.numberStyle = .decimal
        return f.string(from: NSNumber(value: n)) ?? String(n)
    }

    /// 99.5 % (vi: 99,5 %), one decimal at most.
    func percent(_ share: Double) -> String {
        let f = NumberFormatter()
        f.locale = locale
        f.numberStyle = .percent
        f.maximumFractionDigits = 1
        return f.string(from: NSNumber(value: share)) ?? "\(share * 100) %"
    }

    /// 45 s, 12 min 30 s, 1 h 07 min: as the console says it.
    func span(_ seconds: TimeInterval?) -> String {
        guard let seconds else { return "–" }
        let total = Int(seconds.rounded())
        if total < 60 { return t("span.s", ["s": number(total)]) }
        if total < 3600 {
            let (m, s) = (total / 60, total % 60)
            return s == 0 ? t("span.m", ["m": number(m)]) : t("span.ms", ["m": number(m), "s": number(s)])
        }
        let (h, m) = (total / 3600, Int((Double(total % 3600) / 60).rounded()))
        return t("span.hm", ["h": number(h), "m": String(format: "%02d", m)])
    }
}
