import Foundation
import HubModel
import HubStore
import HubTesting
import Testing

/// Links are the same whatever order events, declarations and amendments arrive in.
struct LinkOrderTests {
    enum Arrival {
        case event(InspectionEvent)
        case declaration(Declaration)
    }

    struct Rng: RandomNumberGenerator {
        var s: UInt64
        mutating func next() -> UInt64 {
            s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return s ^ (s >> 31)
        }
    }

    static let containers = ["CSQU3054383", "TCNU7200794", "GYOU4047990", "TOLU4734787", "TASU1170000"]
    static let plates = ["51C12345", "29H99999", "43A11111"]

    static func declaration(_ number: String, containers: [String], plates: [String], status: Declaration.Status = .active)
        -> Declaration
    {
        Declaration(
            number: number, ucr: nil, type: .import, office: "03CE", site: nil,
            trader: .init(tin: "0301234567", name: nil, aeo: false, complianceLevel: nil), containers: containers,
            seals: [], plates: plates, goods: [], channel: .green, transit: nil, issuedAt: nil, version: 0,
            status: status, cancelReason: nil, receivedAt: nil)
    }

    /// A random world: events naming containers and plates, declarations with amendments in order.
    static func world(seed: UInt64) -> (events: [InspectionEvent], declarations: [[Declaration]]) {
        var rng = Rng(s: seed)
        let ids = EventIDGenerator()
        let raw = RawRef(sha256: String(repeating: "0", count: 64), format: "test")
        let events = (0..<40).map { i -> InspectionEvent in
            let c = Array(Self.containers.shuffled(using: &rng).prefix(Int.random(in: 0...2, using: &rng)))
            let p = Bool.random(using: &rng) ? [Self.plates.randomElement(using: &rng)!] : []
            return InspectionEvent(
                id: ids.next(at: Date(timeIntervalSince1970: 1_800_000_000 + Double(i))), kind: "ocr.read",
                device: DeviceRef(id: "cam", profile: "gate-ocr-camera", family: "gate-ocr"), site: "s", lane: "1",
                observedAt: Date(timeIntervalSince1970: 1_800_000_000), receivedAt: Date(timeIntervalSince1970: 1_800_000_000),
                subject: Subject(containers: c, plates: p),
                data: Bool.random(using: &rng) ? ["repairedFrom": "C5QU3054383"] : [:], severity: .info, raw: raw)
        }
        let declarations = (0..<8).map { n -> [Declaration] in
            (0..<Int.random(in: 1...3, using: &rng)).map { v in
                declaration(
                    "D\(n)", containers: Array(Self.containers.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng))),
                    plates: Bool.random(using: &rng) ? [Self.plates.randomElement(using: &rng)!] : [],
                    status: v == 2 && Bool.random(using: &rng) ? .cancelled : .active)
            }
        }
        return (events, declarations)
    }

    /// Every arrival in a random order, keeping each declaration's versions in their order.
    static func shuffled(_ world: (events: [InspectionEvent], declarations: [[Declaration]]), seed: UInt64) -> [Arrival] {
        var rng = Rng(s: seed)
        var queues = world.declarations
        var events = world.events.shuffled(using: &rng)
        var out: [Arrival] = []
        while !events.isEmpty || queues.contains(where: { !$0.isEmpty }) {
            let pickEvent = !events.isEmpty && (Bool.random(using: &rng) || !queues.contains { !$0.isEmpty })
            if pickEvent {
                out.append(.event(events.removeLast()))
            } else {
                let i = queues.indices.filter { !queues[$0].isEmpty }.randomElement(using: &rng)!
                out.append(.declaration(queues[i].removeFirst()))
            }
        }
        return out
    }

    static func links(after arrivals: [Arrival], on kind: StoreKind) async throws -> Set<Link> {
        let dir = try TemporaryDirectory("links")
        let store = try await StoreUnderTest.make(kind, dir).store
        defer { Task { await store.close() } }
        for a in arrivals {
            switch a {
            case .event(let e): try await store.append(IngestBatch(events: [e]))
            case .declaration(let d): _ = try await store.save(d, at: Date())
            }
        }
        var all: Set<Link> = []
        for n in 0..<8 { all.formUnion(try await store.links(declaration: "D\(n)")) }
        return all
    }

    @Test(arguments: StoreKind.testable, [1, 2, 3] as [UInt64])
    func theSameLinksWhateverTheArrivalOrder(kind: StoreKind, seed: UInt64) async throws {
        let w = Self.world(seed: seed)
        // What the links must be: each event with each declaration whose last version is active and
        // shares an identifier with it.
        var expected: Set<String> = []
        for e in w.events {
            for versions in w.declarations {
                guard let last = versions.last, last.status == .active else { continue }
                let keys = Set(last.keys.map { "\($0.kind)=\($0.value)" })
                for k in e.linkKeys where keys.contains("\(k.kind)=\(k.value)") {
                    expected.insert("\(e.id) \(last.number) \(k.kind)=\(k.value) v\(versions.count)")
                }
            }
        }
        #expect(!expected.isEmpty)
        var first: Set<Link>?
        for order in 0..<4 as Range<UInt64> {
            let links = try await Self.links(after: Self.shuffled(w, seed: seed * 100 + order), on: kind)
            #expect(Set(links.map { "\($0.eventID) \($0.declaration) \($0.kind)=\($0.value) v\($0.version)" }) == expected)
            if let first { #expect(links == first) } else { first = links }
        }
    }

    @Test(arguments: StoreKind.testable)
    func aRepairedOCRReadLinksWithLessConfidence(kind: StoreKind) async throws {
        let w = Self.world(seed: 9)
        let repaired = try #require(w.events.first { $0.data["repairedFrom"] != nil && !($0.subject.containers ?? []).isEmpty })
        let links = try await Self.links(after: w.events.map { .event($0) } + w.declarations.flatMap { $0.map { .declaration($0) } }, on: kind)
        let mine = links.filter { $0.eventID == repaired.id && $0.kind == "container" }
        #expect(mine.allSatisfy { $0.confidence == 0.7 && $0.evidence.contains("repaired") })
        #expect(links.filter { $0.kind == "plate" }.allSatisfy { $0.confidence == 0.6 })
    }

    /// Links of many events read at once (the risk stage's read) are the links read one event at a
    /// time, across more ids than one SQL statement takes.
    @Test(arguments: StoreKind.testable)
    func linksOfManyEventsAreTheLinksOfEachEvent(kind: StoreKind) async throws {
        let w = Self.world(seed: 4)
        let dir = try TemporaryDirectory("links-many")
        let store = try await StoreUnderTest.make(kind, dir).store
        defer { Task { await store.close() } }
        for e in w.events { try await store.append(IngestBatch(events: [e])) }
        for versions in w.declarations { for d in versions { _ = try await store.save(d, at: Date()) } }
        var oneByOne: [Link] = []
        for e in w.events { oneByOne += try await store.links(event: e.id) }
        #expect(!oneByOne.isEmpty)
        let ids = w.events.map(\.id) + (0..<600).map { "01UNKNOWN\($0)" }
        let atOnce = try await store.links(events: ids)
        #expect(atOnce.count == oneByOne.count)
        #expect(Set(atOnce) == Set(oneByOne))
        // And the events themselves, in id order, the unknown ids left out.
        let events = try await store.events(ids: ids.reversed())
        #expect(events.map(\.id) == w.events.map(\.id).sorted())
        #expect(try events.map { try $0.jsonLine() } == w.events.sorted { $0.id < $1.id }.map { try $0.jsonLine() })
        // Without some kinds (what the risk stage leaves unread): exactly the others.
        for dropped in Set(w.events.map(\.kind)).sorted() + ["no.such-kind"] {
            let without = try await store.events(ids: ids, excludingKinds: [dropped, "gps.fix"])
            #expect(without.map(\.id) == w.events.filter { $0.kind != dropped && $0.kind != "gps.fix" }.map(\.id).sorted())
        }
    }
}

