import Foundation
import HubModel
import HubSite

/// An event told in words, in one language: a subject line and a plain-text body. Pure: the
/// catalog, the site's time zone and the step are given.
public struct NotificationText: Sendable, Equatable {
    public var subject: String
    public var body: String

    /// `minutes` is the escalation's delay, for a message of an escalation step (nil for the first).
    public init(event e: InspectionEvent, rule: String, minutes: Int?, language: String, catalog: MessageCatalog, zone: TimeZone) {
        func t(_ key: String, _ values: [String: String] = [:]) -> String { catalog.text(key, language, values) }
        let kindKey = "analysis.kindName.\(e.kind)"
        let what = catalog.has(kindKey, language) || catalog.has(kindKey, "en") ? t(kindKey) : e.kind
        let site = e.site ?? "-"
        let place = e.lane.map { t("notify.place.lane", ["lane": $0, "site": site]) } ?? site
        let values = ["what": what, "place": place, "minutes": minutes.map(String.init) ?? ""]
        subject = minutes == nil ? t("notify.subject", values) : t("notify.subjectEscalated", values)
        var lines = [
            t("notify.line.what", ["what": what, "severity": t("notify.severity.\(e.severity.rawValue)")]),
            t("notify.line.when", ["time": Self.localTime(e.observedAt, zone)]),
            t("notify.line.where", ["place": place]),
            t("notify.line.device", ["device": e.device.id]),
            t("notify.line.event", ["id": e.id]),
        ]
        // A detector's finding (a trace alarm's substance, channel and amplitude) is what the reader acts on.
        if case .string(let substance)? = e.data["substance"] {
            lines.insert(t("notify.line.substance", ["substance": substance, "channel": Self.text(e.data["channel"]),
                                                     "amplitude": Self.text(e.data["amplitude"]), "unit": e.data["amplitudeUnit"].map { Self.text($0) } ?? ""])
                .trimmingCharacters(in: .whitespaces), at: 1)
        }
        if let minutes { lines.insert(t("notify.line.escalated", ["minutes": String(minutes)]), at: 0) }
        if e.severity == .alarm { lines.append(t("notify.line.ack")) }
        lines.append(t("notify.line.rule", ["rule": rule]))
        body = lines.joined(separator: "\n") + "\n"
    }

    /// A data value as words; `-` when it is missing.
    static func text(_ v: JSONValue?) -> String {
        switch v {
        case .string(let s)?: s
        case .int(let i)?: String(i)
        case .double(let d)?: d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        default: "-"
        }
    }

    /// `2026-12-06 21:05:00 (UTC+07:00)`: the site's local time, with its offset.
    static func localTime(_ date: Date, _ zone: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let hhmm = String(format: "%02d:%02d", abs(offset) / 3600, abs(offset) % 3600 / 60)
        return "\(f.string(from: date)) (UTC\(sign)\(hhmm))"
    }
}
