import Foundation
import Hummingbird
import HubModel
import HubStore

/// What an analyst filters declarations by: number, identifiers, site, time received, and the
/// channel and score of the latest risk assessment.
struct DeclarationFilter: Sendable {
    var query = DeclarationListQuery()
    var channel: Declaration.Channel?
    var minScore: Double?
    var maxScore: Double?

    /// Declarations scanned per request at most.
    static let maxScanned = 5000

    /// Reads `number, container, plate, seal, ucr, site, since, until, channel, minScore, maxScore,
    /// cursor, limit`.
    init(parameters p: Parameters) throws {
        let events = try EventQuery(parameters: p)
        query.number = p.get("number")
        query.site = events.site
        query.since = events.since
        query.until = events.until
        query.after = events.cursor
        query.limit = events.limit
        query.keys = try Self.identifiers(p, ["container", "plate", "seal", "ucr"])
        let risk = try RiskFilter(parameters: p)
        channel = risk.channel
        minScore = risk.minScore
        maxScore = risk.maxScore
    }
}

extension DeclarationFilter {
    /// The identifiers among `names` in the query, normalized as devices and declarations store them.
    static func identifiers(_ p: Parameters, _ names: [String]) throws -> [String: String] {
        let normalize: [String: (String) -> String?] = [
            "container": { ContainerNumber($0)?.value }, "seal": { $0.uppercased() },
            "plate": { Declaration.normalizePlate($0) }, "ucr": { $0 },
        ]
        var out: [String: String] = [:]
        for kind in names {
            guard let raw = p.get(kind) else { continue }
            guard let v = normalize[kind]?(raw), !v.isEmpty else {
                throw BadRequest(field: kind, message: "not a valid \(kind): '\(raw)'")
            }
            out[kind] = v
        }
        return out
    }
}

/// The risk part of a search: a channel and a score range, checked against latest assessments.
struct RiskFilter: Sendable {
    var channel: Declaration.Channel?
    var minScore: Double?
    var maxScore: Double?

    init(parameters p: Parameters) throws {
        if let c = p.get("channel") {
            guard let v = Declaration.Channel(rawValue: c) else {
                throw BadRequest(field: "channel", message: "expected green, yellow or red; got '\(c)'")
            }
            channel = v
        }
        for (name, keyPath) in [("minScore", \RiskFilter.minScore), ("maxScore", \RiskFilter.maxScore)] {
            guard let text = p.get(name) else { continue }
            guard let v = Double(text), v.isFinite else { throw BadRequest(field: name, message: "expected a number; got '\(text)'") }
            self[keyPath: keyPath] = v
        }
    }

    var isEmpty: Bool { channel == nil && minScore == nil && maxScore == nil }

    /// Whether any of the assessments (channel, score) passes.
    func matches(_ risks: [(channel: String?, score: Double?)]) -> Bool {
        if isEmpty { return true }
        return risks.contains { r in
            if let c = channel, r.channel != c.rawValue { return false }
            if minScore != nil || maxScore != nil {
                guard let s = r.score, s >= (minScore ?? -.infinity), s <= (maxScore ?? .infinity) else { return false }
            }
            return true
        }
    }
}

/// A declaration in the analyst's table: the version in force and its latest risk assessment.
struct DeclarationSummary: Encodable, Sendable {
    var declaration: Declaration
    var channel: String?
    var score: Double?
    var assessment: String?
}

extension AnalystRoutes {
    /// Declarations that pass `filter`, one page, and where the next page starts.
    func searchDeclarations(_ filter: DeclarationFilter) async throws -> (declarations: [DeclarationSummary], next: String?) {
        guard let store = declarationStore else { return ([], nil) }
        var query = filter.query
        let wanted = query.limit
        let risk = RiskFilter(channel: filter.channel, minScore: filter.minScore, maxScore: filter.maxScore)
        var found: [DeclarationSummary] = []
        var scanned = 0
        while true {
            query.limit = min(EventQuery.maxLimit, max(wanted, 100))
            let page = try await store.declarations(query)
            for d in page {
                scanned += 1
                let r = try await store.latestRiskAssessment(declaration: d.number)
                let s = DeclarationSummary(
                    declaration: d, channel: r?.riskAssessment?.channel, score: r?.riskAssessment?.score,
                    assessment: r?.id)
                if risk.matches([(s.channel, s.score)]) { found.append(s) }
                if found.count == wanted || scanned >= DeclarationFilter.maxScanned {
                    let more = page.count == query.limit || d.number != page.last?.number
                    return (found, more ? d.number : nil)
                }
            }
            guard page.count == query.limit, let last = page.last else { return (found, nil) }
            query.after = last.number
        }
    }
}

extension RiskFilter {
    init(channel: Declaration.Channel?, minScore: Double?, maxScore: Double?) {
        self.channel = channel
        self.minScore = minScore
        self.maxScore = maxScore
    }
}
