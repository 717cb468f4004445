import Foundation
import HubModel
import HubStore

/// Rows as CSV (RFC 4180): a header row, CRLF line ends, lists joined by spaces, and a field
/// quoted (quotes doubled) when it holds a comma, quote or line break.
public enum CSV {
    static func text(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted when it needs to be. A cell a spreadsheet would run as a formula (it starts
    /// with `=`, `+`, `-`, `@`, a tab or a carriage return: a trader's name, a note, a plate read
    /// are all outside text) gets a leading `'`, which shows as text; a plain number keeps its sign.
    public static func field(_ text: String) -> String {
        var s = text
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(s) == nil { s = "'" + s }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func passages(_ passages: [PassageSummary]) -> String {
        let header = [
            "id", "site", "lane", "startedAt", "endedAt", "containers", "plates", "seals", "declarations", "channel",
            "score", "rpmResult", "scanResult", "alarmed", "missing", "rawSha256", "passage", "revision", "ambiguous",
        ]
        return text(
            header: header,
            rows: passages.map { p in
                [
                    p.id, p.site ?? "", p.lane ?? "", p.startedAt ?? "", p.endedAt ?? "", p.containers.joined(separator: " "),
                    p.plates.joined(separator: " "), p.seals.joined(separator: " "),
                    p.declarations.map(\.number).joined(separator: " "),
                    p.declarations.compactMap(\.channel).joined(separator: " "),
                    p.declarations.compactMap(\.score).map { String($0) }.joined(separator: " "), p.rpmResult ?? "",
                    p.scanResult ?? "", p.alarmed ? "true" : "false", p.missing.joined(separator: " "), p.raw.sha256,
                    p.passage ?? "", p.revision.map { String($0) } ?? "", p.ambiguous ? "true" : "false",
                ]
            })
    }

    static func declarations(_ declarations: [DeclarationSummary]) -> String {
        let header = [
            "number", "version", "status", "site", "office", "type", "declaredChannel", "channel", "score", "containers",
            "plates", "seals", "trader", "receivedAt",
        ]
        return text(
            header: header,
            rows: declarations.map { s in
                let d = s.declaration
                return [
                    d.number, String(d.version), d.status.rawValue, d.site ?? "", d.office, d.type.rawValue,
                    d.channel.rawValue, s.channel ?? "", s.score.map { String($0) } ?? "", d.containers.joined(separator: " "),
                    d.plates.joined(separator: " "), d.seals.joined(separator: " "), d.trader.name ?? d.trader.tin,
                    d.receivedAt.map(Timestamp.format) ?? "",
                ]
            })
    }
}

extension CSV {
    /// One row per event: its columns, the subject's identifiers, the raw record's hash, and the
    /// event's `data` as compact JSON (keys sorted), so nothing the list shows is lost.
    static func events(_ events: [InspectionEvent]) throws -> String {
        let header = [
            "id", "kind", "observedAt", "receivedAt", "site", "lane", "device", "profile", "family", "severity", "containers",
            "plates", "seals", "ucr", "declaration", "rawSha256", "data",
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return text(
            header: header,
            rows: try events.map { e in
                let s = e.subject
                return [
                    e.id, e.kind, Timestamp.format(e.observedAt), Timestamp.format(e.receivedAt), e.site ?? "", e.lane ?? "",
                    e.device.id, e.device.profile, e.device.family, e.severity.rawValue, (s.containers ?? []).joined(separator: " "),
                    (s.plates ?? []).joined(separator: " "), (s.seals ?? []).joined(separator: " "), s.ucr ?? "", s.declaration ?? "",
                    e.raw.sha256, String(decoding: try encoder.encode(e.data), as: UTF8.self),
                ]
            })
    }
}
