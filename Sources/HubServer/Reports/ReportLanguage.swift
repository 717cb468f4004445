import Foundation
import HubSite

/// One language of the daily report: its words from the console's catalogs (`i18n/vi.json`, `i18n/en.json`,
/// the same texts the time-release screen and the review screen show), its numbers and its spans.
struct ReportLanguage {
    /// The report's languages, Vietnamese first, with the locale numbers are written in.
    static let all: [(code: String, locale: Locale)] = [("vi", Locale(identifier: "vi_VN")), ("en", Locale(identifier: "en_GB"))]

    let code: String
    let locale: Locale
    let catalog: MessageCatalog

    /// `code` when it is one of the report's languages, else Vietnamese.
    init(_ code: String, catalog: MessageCatalog) {
        let l = Self.all.first { $0.code == code } ?? Self.all[0]
        self.code = l.code
        locale = l.locale
        self.catalog = catalog
    }

    /// The catalog's text of `key`, `{name}` filled in.
    func t(_ key: String, _ vars: [String: String] = [:]) -> String { catalog.text(key, code, vars) }

    /// The text of `key` counted by `n`, as the console's `tn` picks it: English says "1 passage" and
    /// "2 passages" (`key.one`, `key.other`); Vietnamese has one form (`key.other`).
    func t(_ key: String, count n: Int, _ vars: [String: String] = [:]) -> String {
        let form = code == "en" && n == 1 ? "\(key).one" : "\(key).other"
        return t(catalog.has(form, code) ? form : "\(key).other", vars)
    }

    /// An alarm's adjudication code in words: the console's own (`code.real` …), the two the report adds.
    func code(_ c: String) -> String {
        switch c {
        case "tamper-fault": t("code.fault")
        case "outcome-only", "none": t("report.code.\(c)")
        default: t("code.\(c)")
        }
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

    /// 45 s, 12 min 30 s, 1 h 07 min: as the time-release screen says it (its `tr.span.*` words).
    func span(_ seconds: TimeInterval?) -> String {
        guard let seconds else { return "–" }
        let total = Int(seconds.rounded())
        if total < 60 { return t("tr.span.s", ["s": number(total)]) }
        if total < 3600 {
            let (m, s) = (total / 60, total % 60)
            return s == 0 ? t("tr.span.m", ["m": number(m)]) : t("tr.span.ms", ["m": number(m), "s": number(s)])
        }
        let (h, m) = (total / 3600, Int((Double(total % 3600) / 60).rounded()))
        return t("tr.span.hm", ["h": number(h), "m": String(format: "%02d", m)])
    }
}
