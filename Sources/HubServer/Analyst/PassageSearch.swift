import Foundation
import Hummingbird
import HubModel
import HubStore

/// What an analyst filters passages by: the identifiers read at the gate, the linked declaration,
/// time, site and lane, and the channel and score of the declaration's latest risk assessment.
struct PassageFilter: Sendable {
    var declaration: String?
    var container: String?
    var plate: String?
    var seal: String?
    var risk: RiskFilter
    var query = EventQuery()

    /// Passages scanned per request at most, so a filter that matches little stays bounded.
    static let maxScanned = 5000

    /// Reads `declaration, container, plate, seal, channel, minScore, maxScore` and the event
    /// filters `site, lane, since, until, cursor, limit, order` (newest first unless `order=asc`).
    init(parameters p: Parameters) throws {
        var q = try EventQuery(parameters: p)
        if p.get("order") == nil { q.newestFirst = true }
        q.kind = EventKind.passage
        q.severity = nil
        query = q
        declaration = p.get("declaration")
        let ids = try DeclarationFilter.identifiers(p, ["container", "plate", "seal"])
        container = ids["container"]
        plate = ids["plate"]
        seal = ids["seal"]
        risk = try RiskFilter(parameters: p)
    }

    /// Whether a summarized passage passes the filters the event query cannot apply.
    func matches(_ s: PassageSummary) -> Bool {
        if let d = declaration, !s.declarations.contains(where: { $0.number == d }) { return false }
        if let c = container, !s.containers.contains(c) { return false }
        if let p = plate, !s.plates.contains(p) { return false }
        if let v = seal, !s.seals.contains(v) { return false }
        return risk.matches(s.declarations.map { ($0.channel, $0.score) })
    }
}

/// One passage as the analyst's table shows it.
struct PassageSummary: Encodable, Sendable {
    /// A read or scan the hub could not place on one vehicle, and the passages it may belong to.
    struct Ambiguity: Encodable, Sendable {
        var event: String
        var candidates: [String]
        var reason: String
    }

    /// A declaration the passage is linked to and its latest risk assessment.
    struct LinkedDeclaration: Encodable, Sendable {
        var number: String
        var channel: String?
        var score: Double?
        var assessment: String?
    }

    var id: String
    /// The vehicle's passage across revisions (`data.passage`), and which revision this is.
    var passage: String?
    var revision: Int?
    /// True while some evidence may belong to another vehicle; what and why.
    var ambiguous: Bool
    var ambiguities: [Ambiguity]
    var site: String?
    var lane: String?
    var startedAt: String?
    var endedAt: String?
    var containers: [String]
    var plates: [String]
    var seals: [String]
    var declarations: [LinkedDeclaration]
    /// `alarm` when the portal monitor alarmed (gamma or neutron), `clear` when it read the vehicle, nil without one.
    var rpmResult: String?
    var scanResult: String?
    var alarmed: Bool
    var missing: [String]
    var severity: String
    var raw: RawRef
}

extension AnalystRoutes {
    /// A passage event with its linked declarations and their latest risk assessments.
    func summarize(_ e: InspectionEvent) async throws -> PassageSummary {
        let links = try await declarationStore?.links(event: e.id) ?? []
        var declarations: [PassageSummary.LinkedDeclaration] = []
        for number in Self.unique(links.map(\.declaration)) {
            let risk = try await declarationStore?.latestRiskAssessment(declaration: number)
            declarations.append(
                .init(
                    number: number, channel: risk?.riskAssessment?.channel, score: risk?.riskAssessment?.score,
                    assessment: risk?.id))
        }
        let p = e.passage
        let gamma = p?.gammaAlarm, neutron = p?.neutronAlarm
        let rpm: String? = gamma == nil && neutron == nil ? nil : (gamma == true || neutron == true ? "alarm" : "clear")
        let ambiguities = (p?.ambiguities ?? []).map {
            PassageSummary.Ambiguity(event: $0.event, candidates: $0.candidates, reason: $0.reason)
        }
        return PassageSummary(
            id: e.id, passage: p?.passage, revision: p?.revision,
            ambiguous: p?.ambiguous ?? false, ambiguities: ambiguities, site: e.site, lane: e.lane,
            startedAt: p.map { Timestamp.format($0.startedAt) },
            endedAt: p.map { Timestamp.format($0.endedAt) }, containers: e.subject.containers ?? [], plates: e.subject.plates ?? [],
            seals: e.subject.seals ?? [], declarations: declarations, rpmResult: rpm,
            scanResult: p?.scanResult, alarmed: p?.alarmed ?? false,
            missing: p?.missing ?? [], severity: e.severity.rawValue,
            raw: e.raw)
    }

    /// Passages that pass `filter`, one page, and where the next page starts.
    func searchPassages(_ filter: PassageFilter) async throws -> (passages: [PassageSummary], next: String?) {
        var query = filter.query
        let wanted = query.limit
        var found: [PassageSummary] = []
        var scanned = 0
        var passagesSeen: Set<String> = []
        while true {
            query.limit = min(EventQuery.maxLimit, max(wanted, 100))
            let page = try await store.events(query)
            // A passage stored again is shown as its newest revision: older ones on the page are skipped.
            let superseded = Set(page.events.flatMap { $0.passage?.supersedes ?? [] })
            for (e, cursor) in zip(page.events, page.cursors) {
                scanned += 1
                if superseded.contains(e.id) { continue }
                if let p = e.passage?.passage, !passagesSeen.insert(p).inserted { continue }
                let s = try await summarize(e)
                if filter.matches(s) { found.append(s) }
                if found.count == wanted || scanned >= PassageFilter.maxScanned {
                    let more = page.next != nil || cursor != page.cursors.last
                    return (found, more ? cursor : nil)
                }
            }
            guard let next = page.next else { return (found, nil) }
            query.cursor = next
        }
    }

    static func strings(_ v: JSONValue?) -> [String] {
        guard case .array(let a) = v else { return [] }
        return a.compactMap(\.stringValue)
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
