import Foundation
import HubCorrelation
import HubSite

/// The daily report as a printable HTML page in one language: a section per lane with its figures in
/// sentences, its devices' availability and its time-release table. Self-contained (its CSS inline), so the
/// file reads the same opened from the folder, downloaded, or printed to PDF.
enum DailyReportHTML {
    /// The page in the language `code` (`vi` or `en`), its words from `catalog`.
    static func page(_ r: DailyReport, language code: String, catalog: MessageCatalog) -> String {
        let l = ReportLanguage(code, catalog: catalog)
        let local = DateFormatter()
        local.timeZone = r.zone
        local.locale = l.locale
        local.dateFormat = "dd/MM/yyyy HH:mm"
        let title = l.t("report.title", ["day": DailyReport.shown(day: r.day), "site": r.site])
        var body = "<h1>\(esc(title))</h1>\n"
        body += "<p class=\"meta\">\(esc(l.t("report.generated", ["time": local.string(from: r.generatedAt), "zone": r.zone.identifier])))</p>\n"
        if let only = r.lanesAsked {
            body += "<p class=\"lanes-only\">\(esc(l.t("report.lanesOnly", ["lanes": only.joined(separator: ", ")])))</p>\n"
        }
        if r.truncated { body += "<p class=\"warn\">\(esc(l.t("report.truncated")))</p>\n" }
        if r.lanes.isEmpty { body += "<p>\(esc(l.t("report.noLanes")))</p>\n" }
        for lane in r.lanes { body += section(lane, l) }
        return """
            <!doctype html>
            <html lang="\(l.code)">
            <head>
            <meta charset="utf-8">
            <title>\(esc(title))</title>
            <style>
            @page { size: A4; margin: 14mm; }
            body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 11pt; color: #111; margin: 0 auto; max-width: 190mm; }
            h1 { font-size: 17pt; margin: 0 0 4pt; } h2 { font-size: 14pt; margin: 16pt 0 4pt; border-bottom: 1px solid #999; }
            h3 { font-size: 11.5pt; margin: 10pt 0 3pt; }
            .meta { color: #555; font-size: 9.5pt; } .warn { color: #9a3412; }
            section { page-break-inside: avoid; }
            table { border-collapse: collapse; margin: 3pt 0; } th, td { border: 1px solid #bbb; padding: 2pt 6pt; text-align: left; }
            td.num, th.num { text-align: right; } .low { color: #b91c1c; font-weight: bold; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    private static func section(_ lane: DailyReport.Lane, _ l: ReportLanguage) -> String {
        var s = "<section class=\"lane\" data-lane=\"\(esc(lane.lane))\">\n<h2>\(esc(l.t("tr.lane", ["lane": lane.lane])))</h2>\n"
        s += "<p class=\"passages\">\(esc(l.t("report.passages", count: lane.passages, ["n": l.number(lane.passages), "alarmed": l.number(lane.alarmedPassages)])))</p>\n"
        let codes = DailyReport.codes.compactMap { c in
            (lane.alarmsByCode[c] ?? 0) > 0 ? "\(l.code(c)) \(l.number(lane.alarmsByCode[c]!))" : nil
        }
        s += "<p class=\"alarms\">\(esc(lane.alarms == 0 ? l.t("report.noAlarms") : l.t("report.alarms", count: lane.alarms, ["n": l.number(lane.alarms), "list": codes.joined(separator: ", ")])))</p>\n"
        let verdicts = DailyReport.verdictNames.map { "\(l.t("review.verdict.\($0)")) \(l.number(lane.verdicts[$0] ?? 0))" }
        s += "<p class=\"scans\">\(esc(lane.scans == 0 && lane.verdicts.values.allSatisfy { $0 == 0 } ? l.t("report.noScans") : l.t("report.scans", count: lane.scans, ["n": l.number(lane.scans), "list": verdicts.joined(separator: ", ")])))</p>\n"
        if !lane.devices.isEmpty {
            s += "<h3>\(esc(l.t("report.devices")))</h3>\n<table class=\"devices\"><thead><tr><th>\(esc(l.t("report.device")))</th>"
            s += "<th class=\"num\">\(esc(l.t("report.available")))</th><th class=\"num\">\(esc(l.t("report.outages")))</th></tr></thead><tbody>\n"
            for d in lane.devices {
                let share = d.share.map { l.percent($0) } ?? l.t("report.unknown")
                let low = (d.share ?? 1) < 0.95 ? " class=\"num low\"" : " class=\"num\""
                s += "<tr><td>\(esc(d.device))</td><td\(low)>\(esc(share))</td><td class=\"num\">\(l.number(d.outages))</td></tr>\n"
            }
            s += "</tbody></table>\n"
        }
        s += "<h3>\(esc(l.t("tr.title")))</h3>\n"
        let m = lane.timeRelease
        if m.passages == 0 {
            s += "<p>\(esc(l.t("report.noTimes")))</p>\n"
        } else {
            s += "<table class=\"time-release\"><thead><tr><th>\(esc(l.t("report.stage")))</th><th class=\"num\">p50</th><th class=\"num\">p90</th>"
            s += "<th class=\"num\">\(esc(l.t("report.reached")))</th></tr></thead><tbody>\n"
            let rows = TimeReleaseReport.dwellStages.map { ($0.rawValue, m.stages[$0]) } + [("", Optional(m.endToEnd))]
            for (name, spread) in rows {
                guard let spread else { continue }
                s += "<tr><td>\(esc(l.t(name.isEmpty ? "tr.endToEnd" : "tr.stage.\(name)")))</td><td class=\"num\">\(esc(l.span(spread.p50)))</td>"
                s += "<td class=\"num\">\(esc(l.span(spread.p90)))</td><td class=\"num\">\(l.number(spread.count))/\(l.number(m.passages))</td></tr>\n"
            }
            s += "</tbody></table>\n"
        }
        return s + "</section>\n"
    }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// The daily report as CSV: one row per lane; counts, availability in percent, time-release seconds.
enum DailyReportCSV {
    static func text(_ r: DailyReport) -> String {
        let stages = TimeReleaseReport.dwellStages.map(\.rawValue) + ["end_to_end"]
        let header = ["day", "time_zone", "site", "lane", "passages", "alarmed_passages", "alarms"]
            + DailyReport.codes.map { "alarms_\($0.replacingOccurrences(of: "-", with: "_"))" }
            + ["scans"] + DailyReport.verdictNames.map { "verdicts_\($0)" }
            + ["devices", "device_availability_percent"]
            + stages.flatMap { ["\($0)_p50_seconds", "\($0)_p90_seconds"] }
        let rows = r.lanes.map { lane in
            let m = lane.timeRelease
            let spreads = TimeReleaseReport.dwellStages.map { m.stages[$0] } + [Optional(m.endToEnd)]
            var row: [String] = [r.day, r.zone.identifier, r.site, lane.lane]
            row += [String(lane.passages), String(lane.alarmedPassages), String(lane.alarms)]
            row += DailyReport.codes.map { String(lane.alarmsByCode[$0] ?? 0) }
            row.append(String(lane.scans))
            row += DailyReport.verdictNames.map { String(lane.verdicts[$0] ?? 0) }
            row.append(lane.devices.map(\.device).joined(separator: " "))
            let shares: [String] = lane.devices.map { d in
                let share: String = d.share.map { String(format: "%.1f", $0 * 100) } ?? ""
                return "\(d.device)=\(share)"
            }
            row.append(shares.joined(separator: " "))
            for spread in spreads { row += [TimeReleaseCSV.seconds(spread?.p50), TimeReleaseCSV.seconds(spread?.p90)] }
            return row
        }
        return CSV.text(header: header, rows: rows)
    }
}
