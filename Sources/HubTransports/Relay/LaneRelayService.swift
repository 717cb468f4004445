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
/// it. Fed with what the sink stored (`observe`) and with acknowledgements from any console
/// (`acknowledged`); each switch is written to its board and audited (`relay.on`, `relay.off`).
/// A Modbus module that does not echo its command in time, or answers something else, is a device
/// fault of the relay's row; a board whose port cannot be opened or written is offline. A command
/// that did not take is sent again every `retry` until it does.
public struct LaneRelayService: Service {
    private let relays: [LaneRelaySettings]
    private let inbox: RelayInbox
    private let sink: IngestSink
    private let records: any HubRecordStore
    private let logger: Logger
    private let retry: Duration

    /// Registers every relay as a row of the device list (`DeviceRegistry.addRelay`). `inbox` is
    /// what the sink and the acknowledgements feed (made before the sink, which it observes).
    public init(
        relays: [LaneRelaySettings], site: String, inbox: RelayInbox, sink: IngestSink, records: any HubRecordStore,
        logger: Logger, retry: Duration = .seconds(5)
    ) {
        self.relays = relays
        self.inbox = inbox
        self.sink = sink
        self.records = records
        self.logger = logger
        self.retry = retry
        for r in relays { sink.registry.addRelay(r, site: site) }
    }

    public func run() async throws {
        guard !relays.isEmpty else { return }
        // One line per port: relays on one port are channels of one board.
        var lines: [String: RelayLine] = [:]
        for r in relays where lines[r.port] == nil { lines[r.port] = RelayLine(path: r.port, settings: r.serial) }
        var holds = RelayHolds(relays)
        // What each relay was last told and whether the board took it (nil: nothing written yet).
        var taken: [String: Bool] = [:]
        var told: [String: Bool] = [:]
        // Each relay starts released: a hub restarted while a relay was on lets it go.
        for r in relays {
            guard let line = lines[r.port] else { continue }
            told[r.id] = false
            taken[r.id] = await drive(r, on: false, line: line, because: nil)
        }
        let ticker = Task { [inbox, retry] in
            while !Task.isCancelled {
                try? await Task.sleep(for: retry)
                inbox.send(.retry)
            }
        }
        defer { ticker.cancel() }
        for await input in inbox.inputs.cancelOnGracefulShutdown() {
            let changes: [RelayHolds.Change]
            switch input {
            case .events(let events): changes = holds.observe(events)
            case .acknowledged(let id): changes = holds.acknowledged(id)
            case .retry: changes = []
            }
            for c in changes {
                guard let r = relays.first(where: { $0.id == c.relay }), let line = lines[r.port] else { continue }
                told[r.id] = c.on
                taken[r.id] = await drive(r, on: c.on, line: line, because: c)
            }
            // Commands that did not take, again (a board plugged back in, a module answering again).
            if case .retry = input {
                for r in relays where taken[r.id] == false {
                    guard let line = lines[r.port] else { continue }
                    taken[r.id] = await drive(r, on: told[r.id] ?? false, line: line, because: nil)
                }
            }
        }
        for line in lines.values { await line.close() }
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
