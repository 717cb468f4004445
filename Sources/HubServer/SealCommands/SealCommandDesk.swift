import Foundation
import HubDevices
import HubIngest
import HubModel
import HubSite
import HubStore

/// Commands to GPS e-seals and trackers: sends each on the unit's live connection, follows the
/// unit's answers until the command is executed, failed or timed out, and records every change of
/// state as a `seal.command` event. An unlock where the seal is not in its transit's destination
/// zone waits for a second supervisor's approval (never the requester's own).
///
/// A unit that is not connected is refused at once rather than queued: an unlock sent whenever a
/// seal next dials in could open it somewhere nobody chose. A command's state is its newest
/// `seal.command` event: one waiting for approval is found again after a restart (the approval is
/// sent by the replica the unit is connected to, as every command is).
actor SealCommandDesk {
    /// One command and its state now.
    struct Command: Sendable, Encodable {
        var id: String
        var unit: String
        var command: SealCommandWord
        var state: SealCommandPayload.Result
        var by: String
        var reason: String
        var approvedBy: String?
        var `protocol`: String
        var sentText: String
        var answer: String?
        var zone: String?
        /// The listener device the unit is connected through.
        var device: String

        var payload: SealCommandPayload {
            SealCommandPayload(
                commandId: id, unit: unit, command: command, result: state, by: by, reason: reason, approvedBy: approvedBy,
                protocol: `protocol`, sentText: sentText, answer: answer, zone: zone)
        }
    }

    /// Why a request is refused, as the HTTP answer says it.
    struct Refusal: Error {
        enum Kind { case notConnected, noCommands, busy, notFound, notPending, sameSupervisor }
        var kind: Kind
        var message: String
    }

    private let registry: DeviceRegistry
    private let store: any EventStore
    private let declarations: (any DeclarationStore)?
    private let ids: EventIDGenerator
    private let site: String
    /// The site's settings and named routes of the moment (a reload changes them).
    private let settings: @Sendable () -> (SealCommandSettings, [String: [[Double]]])
    private var commands: [String: Command] = [:]

    init(
        registry: DeviceRegistry, store: any EventStore, declarations: (any DeclarationStore)?, ids: EventIDGenerator, site: String,
        settings: @escaping @Sendable () -> (SealCommandSettings, [String: [[Double]]])
    ) {
        self.registry = registry
        self.store = store
        self.declarations = declarations
        self.ids = ids
        self.site = site
        self.settings = settings
    }

    /// A command as asked by `by`: sent, or held for a second supervisor (an unlock outside the zone).
    func request(_ word: SealCommandWord, unit: String, reason: String, by: String) async throws -> Command {
        guard let link = registry.units.link(unit) else {
            throw Refusal(kind: .notConnected, message: "unit \(unit) is not connected; a command goes only on a live connection")
        }
        let id = Self.newID()
        guard let wording = SealCommandWording(word, unit: unit, commandID: id, protocolName: link.protocolName) else {
            throw Refusal(kind: .noCommands, message: "unit \(unit) speaks \(link.protocolName), which takes no commands from the hub")
        }
        var c = Command(
            id: id, unit: unit, command: word, state: .sent, by: by, reason: reason, protocol: link.protocolName,
            sentText: wording.text, device: link.deviceID)
        if word == .unlock {
            let zone = await zoneVerdict(unit)
            c.zone = zone.sentence
            if case .outside = zone {
                c.state = .pendingApproval
                commands[id] = c
                try await record(c)
                return c
            }
        }
        return try await send(c, wording)
    }

    /// A second supervisor approves a held unlock: it is sent.
    func approve(_ id: String, unit: String, by: String) async throws -> Command {
        guard var c = await known(id, unit: unit) else { throw Refusal(kind: .notFound, message: "no command \(id) to unit \(unit)") }
        // Another approval may have gone first while the store was read.
        if let held = commands[id] { c = held }
        guard c.state == .pendingApproval else {
            throw Refusal(kind: .notPending, message: "command \(id) is \(c.state.rawValue), not waiting for approval")
        }
        guard c.by != by else {
            throw Refusal(kind: .sameSupervisor, message: "four eyes: you asked for this unlock; another supervisor must approve it")
        }
        guard let link = registry.units.link(unit) else {
            throw Refusal(kind: .notConnected, message: "unit \(unit) is not connected; a command goes only on a live connection")
        }
        guard let wording = SealCommandWording(c.command, unit: unit, commandID: id, protocolName: link.protocolName) else {
            throw Refusal(kind: .noCommands, message: "unit \(unit) speaks \(link.protocolName), which takes no commands from the hub")
        }
        c.approvedBy = by
        c.state = .sent
        c.protocol = link.protocolName
        c.sentText = wording.text
        c.device = link.deviceID
        return try await send(c, wording)
    }

    /// The command `id` to `unit` as it stands.
    func command(_ id: String, unit: String) async -> Command? { await known(id, unit: unit) }

    /// The command as this desk holds it, or as its newest stored `seal.command` event says (a
    /// restart, or a command asked on another replica). The listener it goes through is the unit's
    /// link of the moment, looked up when it is sent.
    private func known(_ id: String, unit: String) async -> Command? {
        if let c = commands[id] { return c.unit == unit ? c : nil }
        var q = EventQuery()
        q.kind = EventKind.sealCommand
        q.device = unit
        q.newestFirst = true
        q.limit = 500
        guard let stored = try? await store.events(q).events.lazy.compactMap(\.sealCommand).first(where: { $0.commandId == id }),
            stored.unit == unit
        else { return nil }
        return Command(
            id: id, unit: unit, command: stored.command, state: stored.result, by: stored.by, reason: stored.reason,
            approvedBy: stored.approvedBy, protocol: stored.protocol, sentText: stored.sentText, answer: stored.answer, zone: stored.zone,
            device: registry.units.link(unit)?.deviceID ?? "")
    }

    private func send(_ c: Command, _ wording: SealCommandWording) async throws -> Command {
        let answers: AsyncStream<UnitAnswer>
        switch registry.units.send(wording.bytes, to: c.unit, tag: wording.tag) {
        case .success(let stream): answers = stream
        case .failure(.busy):
            throw Refusal(kind: .busy, message: "unit \(c.unit) is still answering an earlier command; send this one after it")
        case .failure(.notConnected):
            throw Refusal(kind: .notConnected, message: "unit \(c.unit) is not connected; a command goes only on a live connection")
        }
        commands[c.id] = c
        try await record(c)
        let timeout = Duration.milliseconds(Int64(settings().0.timeoutS * 1000))
        Task { await self.follow(c.id, answers: answers, tag: wording.tag, timeout: timeout) }
        return c
    }

    private enum Ending: Sendable {
        case answered(UnitAnswer)
        case closed
        case timedOut
    }

    /// Waits for the unit's final answer (recording an acknowledgement on the way), the end of its
    /// connection, or the timeout, whichever comes first; records how the command ended.
    private func follow(_ id: String, answers: AsyncStream<UnitAnswer>, tag: UnitAnswer.Tag, timeout: Duration) async {
        let ending = await withTaskGroup(of: Ending?.self) { group in
            group.addTask {
                for await a in answers {
                    if a.verdict == .acknowledged {
                        await self.update(id, .acknowledged, answer: a.text)
                        continue
                    }
                    return .answered(a)
                }
                return Task.isCancelled ? nil : .closed
            }
            group.addTask {
                // The command's own deadline, not a test's wait: a unit that never answers ends here.
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .timedOut
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let c = commands[id] else { return }
        registry.units.finished(c.unit, tag: tag)
        switch ending {
        case .answered(let a): await update(id, a.verdict == .failed ? .failed : .executed, answer: a.text)
        case .closed: await update(id, .failed, answer: "the connection closed before the unit answered")
        case .timedOut, nil: await update(id, .timedOut, answer: "no answer within \(timeout)")
        }
    }

    private func update(_ id: String, _ state: SealCommandPayload.Result, answer: String) async {
        guard var c = commands[id], !c.state.isFinal else { return }
        c.state = state
        c.answer = answer.isEmpty ? c.answer : answer
        commands[id] = c
        try? await record(c)
        // Ended commands stay readable here for a while; their events keep them for good.
        if commands.count > Self.keptCommands { commands = commands.filter { !$0.value.state.isFinal || $0.key == id } }
    }

    /// How many commands are kept in memory before the ended ones are let go.
    static let keptCommands = 5000

    /// The command's state as a `seal.command` event about the seal, its raw record the hub's
    /// one-line statement of it.
    private func record(_ c: Command) async throws {
        let now = Date()
        let row = registry.status(c.device)
        let payload = c.payload
        let severity: Severity = c.state == .failed || c.state == .timedOut ? .warning : .info
        let event = InspectionEvent(
            id: ids.next(at: now), kind: EventKind.sealCommand,
            device: DeviceRef(id: c.unit, profile: row?.profile ?? c.protocol, family: row?.family ?? "e-seal"),
            site: row?.site ?? site, lane: row?.lane, observedAt: now, receivedAt: now, subject: Subject(seals: [c.unit]),
            payload: payload.payload, severity: severity, raw: HubAuthored.unrecorded)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let statement = String(decoding: try encoder.encode(JSONValue.object(payload.json)), as: UTF8.self) + "\n"
        try await store.append(HubAuthored.batch(event, statement: statement, format: "niihub-seal-command", deviceID: c.unit, at: now))
    }

    /// Where the unit stands against the transits that name it.
    private func zoneVerdict(_ unit: String) async -> DestinationZone.Verdict {
        let (s, routes) = settings()
        let transits = ((try? await declarations?.declarations(withKey: "seal", value: unit)) ?? []).filter { $0.type == .transit }
        let corridors = transits.compactMap { d -> (declaration: String, line: [[Double]])? in
            guard let t = d.transit, let line = t.corridor ?? t.route.flatMap({ routes[$0] }) else { return nil }
            return (d.number, line)
        }
        var q = EventQuery()
        q.kind = EventKind.gpsFix
        q.device = unit
        q.newestFirst = true
        q.limit = 1
        let last = try? await store.events(q).events.first?.gpsFix
        return DestinationZone.verdict(position: last.map { ($0.lat, $0.lon) }, corridors: corridors, radiusM: s.destinationRadiusM)
    }

    /// A command id: 12 hex digits, short enough for every protocol's id field.
    private static func newID() -> String {
        let n = UInt64.random(in: 0..<(1 << 48))
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }
}
