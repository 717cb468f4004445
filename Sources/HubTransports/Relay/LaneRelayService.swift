import Foundation
import HubDevices
import HubDrivers
import HubIngest
import HubModel
import HubStore
import Logging
import ServiceLifecycle
import Synchronization

/// Drives the lanes' relays (`relays:` in the site config): an alarm light, a siren or a barrier
/// hold switched on by a configured event of its lane and released when the operator acknowledges
/// it. Fed with what the sink stored (`observe`: a device's events and the hub's own, such as an
/// analyst's image verdict) and with acknowledgements from any console (`acknowledged`); each switch
/// is written to its board and audited (`relay.on`, `relay.off`). A reloaded site config's relays
/// apply at once (`reconfigure`). A Modbus module that does not echo its command in time, or answers
/// something else, is a device fault of the relay's row; a board whose port cannot be opened or
/// written is offline. A command that did not take is sent again every `retry` until it does.
public struct LaneRelayService: Service {
    private let relays: [LaneRelaySettings]
    private let site: String
    private let inbox: RelayInbox
    private let sink: IngestSink
    private let records: any HubRecordStore
    private let logger: Logger
    private let retry: Duration

    /// Registers every relay as a row of the device list (`DeviceRegistry.addRelay`). `inbox` is
    /// what the sink and the acknowledgements feed (made before the sink, which it observes). With no
    /// relays the service waits for a reload that brings some.
    public init(
        relays: [LaneRelaySettings], site: String, inbox: RelayInbox, sink: IngestSink, records: any HubRecordStore,
        logger: Logger, retry: Duration = .seconds(5)
    ) {
        self.relays = relays
        self.site = site
        self.inbox = inbox
        self.sink = sink
        self.records = records
        self.logger = logger
        self.retry = retry
        for r in relays { sink.registry.addRelay(r, site: site) }
    }

    /// The relays in force and what they were told.
    private struct Running {
        var relays: [LaneRelaySettings] = []
        /// One line per port: relays on one port are channels of one board.
        var lines: [String: RelayLine] = [:]
        var holds = RelayHolds([])
        /// What each relay was last told, and whether the board took it (nil: nothing written yet).
        var told: [String: Bool] = [:]
        var taken: [String: Bool] = [:]
    }

    public func run() async throws {
        var running = Running()
        // Each relay starts released: a hub restarted while a relay was on lets it go.
        await apply(relays, to: &running, registered: true)
        let ticker = Task { [inbox, retry] in
            while !Task.isCancelled {
                try? await Task.sleep(for: retry)
                inbox.send(.retry)
            }
        }
        defer { ticker.cancel() }
        for await input in inbox.inputs.cancelOnGracefulShutdown() {
            switch input {
            case .events(let events): await switchOver(running.holds.observe(events), &running)
            case .acknowledged(let id): await switchOver(running.holds.acknowledged(id), &running)
            case .reconfigured(let relays): await apply(relays, to: &running, registered: false)
            case .retry:
                // Commands that did not take, again (a board plugged back in, a module answering again).
                for r in running.relays where running.taken[r.id] == false {
                    guard let line = running.lines[r.port] else { continue }
                    running.taken[r.id] = await drive(r, on: running.told[r.id] ?? false, line: line, because: nil)
                }
            }
        }
        for line in running.lines.values { await line.close() }
    }

    private func switchOver(_ changes: [RelayHolds.Change], _ running: inout Running) async {
        for c in changes {
            guard let r = running.relays.first(where: { $0.id == c.relay }), let line = running.lines[r.port] else { continue }
            running.told[r.id] = c.on
            running.taken[r.id] = await drive(r, on: c.on, line: line, because: c)
        }
    }

    /// Puts `new` in force: a relay removed or changed is released on its old board first (a removed one's
    /// row is then disabled), a new or changed one starts released; an unchanged one keeps its state and
    /// what holds it. A port no relay uses any more is closed. `registered`: the rows are there (`init` made them).
    private func apply(_ new: [LaneRelaySettings], to running: inout Running, registered: Bool) async {
        let old = running.relays
        let kept = Set(new.filter { old.contains($0) }.map(\.id))
        for r in old where !kept.contains(r.id) {
            if let line = running.lines[r.port], running.told[r.id] != nil {
                _ = await drive(r, on: false, line: line, because: nil)
            }
            running.told[r.id] = nil
            running.taken[r.id] = nil
            if !new.contains(where: { $0.id == r.id }) {
                await sink.link(r.id, .disabled, error: "removed from the configuration")
                logger.info("relay removed", metadata: ["relay": "\(r.id)"])
            }
        }
        var lines: [String: RelayLine] = [:]
        for r in new where lines[r.port] == nil {
            let open = running.lines[r.port]
            lines[r.port] = open.flatMap { $0.settings == r.serial ? $0 : nil } ?? RelayLine(path: r.port, settings: r.serial)
        }
        for (port, line) in running.lines where lines[port] !== line { await line.close() }
        running.lines = lines
        running.holds = running.holds.reconfigured(new)
        running.relays = new
        for r in new where !kept.contains(r.id) {
            if !registered { sink.registry.addRelay(r, site: site, replacing: true) }
            guard let line = lines[r.port] else { continue }
            running.told[r.id] = false
            running.taken[r.id] = await drive(r, on: false, line: line, because: nil)
        }
    }

    /// Writes one relay's state to its board; true when the board took it (an LCUS board: when the
    /// bytes went out). Reports the row's link and faults, and audits a change made by an event.
    private func drive(_ r: LaneRelaySettings, on: Bool, line: RelayLine, because change: RelayHolds.Change?) async -> Bool {
        let command: [UInt8]
        let timeoutMs: Int?
        switch r.board {
        case .lcus:
            command = LCUSRelayFrame(channel: r.channel ?? 1, on: on).bytes
            timeoutMs = nil
        case .modbus:
            command = ModbusCoilFrame(slave: r.slave ?? 1, coil: r.coil ?? 0, on: on).bytes
            timeoutMs = r.answerTimeoutMs
        }
        let outcome = await line.send(command, timeoutMs: timeoutMs) { got in
            ModbusCoilFrame.answer(got, to: command) != .incomplete
        }
        let registry = sink.registry
        var transitions: [DeviceRegistry.Transition?] = []
        var fault: String?
        switch outcome {
        case .lineDown(let error):
            transitions.append(registry.link(r.id, .down, error: error))
            fault = "port: \(error)"
        case .sent(let answer):
            transitions.append(registry.link(r.id, .up))
            _ = registry.traffic(r.id, added: Self.counted(answer), newEvents: 0)
            let problem = r.board == .modbus ? RelayFault.of(ModbusCoilFrame.answer(answer, to: command), timeoutMs: r.answerTimeoutMs) : nil
            // The new fault first, then the others cleared: one fault giving way to another is no
            // passing `online` in between.
            if let problem {
                transitions.append(registry.fault(r.id, problem.fault.rawValue, active: true, error: problem.words))
                fault = problem.words
            }
            for f in RelayFault.allCases where f != problem?.fault {
                transitions.append(registry.fault(r.id, f.rawValue, active: false))
            }
        }
        let changed = transitions.compactMap { $0 }
        if !changed.isEmpty { await sink.report(changed) }
        if let fault {
            logger.warning("relay command not taken", metadata: ["relay": "\(r.id)", "on": "\(on)", "problem": "\(fault)"])
        }
        if let change {
            let what = r.board == .lcus ? "channel \(r.channel ?? 1)" : "slave \(r.slave ?? 1) coil \(r.coil ?? 0)"
            let detail = "lane \(r.lane), \(r.board.rawValue) \(what) \(on ? "on" : "off"): \(change.kind) \(change.event)"
                + (fault.map { "; not taken: \($0)" } ?? "")
            let entry = AuditEntry(at: Date(), actor: "hub", role: nil, action: on ? "relay.on" : "relay.off", target: r.id, detail: detail)
            do { try await records.audit(entry) } catch {
                logger.error("relay audit not stored", metadata: ["relay": "\(r.id)", "error": "\(error)"])
            }
        }
        return fault == nil
    }

    /// What an answer counts as on the row: its bytes, and a frame when there is one.
    static func counted(_ answer: [UInt8]) -> DecodeCounters {
        var c = DecodeCounters()
        c.bytes = answer.count
        c.frames = answer.isEmpty ? 0 : 1
        return c
    }
}

/// The faults a relay row shows.
enum RelayFault: String, CaseIterable {
    case noAnswer = "relay-no-answer"
    case refused = "relay-refused"
    case wrongAnswer = "relay-wrong-answer"

    /// A Modbus answer's fault and its words; nil when the module echoed the command.
    static func of(_ answer: ModbusCoilFrame.Answer, timeoutMs: Int) -> (fault: RelayFault, words: String)? {
        switch answer {
        case .echoed: nil
        case .incomplete: (.noAnswer, "no answer within \(timeoutMs) ms")
        case .exception(let code): (.refused, "refused with Modbus exception \(code)")
        case .wrong(let what): (.wrongAnswer, what)
        }
    }
}
