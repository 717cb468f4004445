#if canImport(Glibc)
import Glibc
#endif
import HubDevices
import HubModel
import Logging
import Synchronization

/// A serial link's speed hunt (`baud: auto`) applied to its open port: the reader reports what the
/// driver made of each read, a ticker reports time passing on a quiet line, and each `BaudHunt`
/// decision is put into effect here — the port retuned, the registry and log told. Kept for the
/// life of the device's service, so a reopened link starts from the speed that worked.
final class SerialTuner: Sendable {
    private struct State {
        var hunt: BaudHunt
        /// The open port, while the reader holds it.
        var fd: CInt?
        /// Set when the port was retuned and the decoder not yet told.
        var retuned = false
    }

    private let state: Mutex<State>
    private let deviceID: String
    private let path: String
    private let registry: DeviceRegistry
    private let logger: Logger

    init(hunt: BaudHunt, deviceID: String, path: String, registry: DeviceRegistry, logger: Logger) {
        state = Mutex(State(hunt: hunt))
        self.deviceID = deviceID
        self.path = path
        self.registry = registry
        self.logger = logger
    }

    /// The settings to open the port with.
    var current: SerialSettings { state.withLock { $0.hunt.current } }

    /// The port is open on `fd` at `current`: the hunt starts over from there. What the port queued
    /// before was received at a setting the hunt did not choose, so it is dropped: a buffer of it
    /// would fill the window and move the hunt off a speed that is right.
    func attach(_ fd: CInt) {
        tcflush(fd, TCIFLUSH)
        let setting = state.withLock { s in
            s.hunt.restart(at: .now)
            s.fd = fd
            s.retuned = false
            return s.hunt.current
        }
        registry.serial(deviceID, "\(setting.summary) (trying, auto)")
    }

    /// The reader is about to let the port go; its descriptor number may soon be another's.
    func detach() { state.withLock { $0.fd = nil } }

    /// What the driver counted for one read at the current setting.
    func observe(_ counted: DecodeCounters) {
        let recognised = max(0, counted.frames - counted.rejectedTotal)
        decide { $0.observe(bytes: counted.bytes, recognised: recognised, rejected: counted.rejectedTotal, at: .now) }
    }

    /// Time passed (a line that sends nothing at this setting still moves on).
    func tick() { decide { $0.tick(at: .now) } }

    /// True once after each retune: what the decoder holds was read at the old setting.
    func takeRetuned() -> Bool {
        state.withLock { s in
            defer { s.retuned = false }
            return s.retuned
        }
    }

    /// Calls `tick` every half dwell until cancelled.
    func tickUntilCancelled() async {
        let period = state.withLock { $0.hunt.rules.dwell } / 2
        while !Task.isCancelled {
            try? await Task.sleep(for: period)
            tick()
        }
    }

    private func decide(_ step: (inout BaudHunt) -> BaudHunt.Decision) {
        // The port is retuned under the lock, so a detach cannot hand its number to another
        // channel between the decision and the system call.
        let outcome: (BaudHunt.Decision, Int, SerialPortError?) = state.withLock { s in
            guard let fd = s.fd else { return (.stay, 0, nil) }
            let d = step(&s.hunt)
            guard case .retune(let next) = d else { return (d, s.hunt.tried, nil) }
            s.retuned = true
            do throws(SerialPortError) {
                try SerialPort.retune(fd: fd, path: path, settings: next)
                return (d, s.hunt.tried, nil)
            } catch {
                return (d, s.hunt.tried, error)
            }
        }
        switch outcome {
        case (.lock(let found), let tried, _):
            logger.info(
                "device \(deviceID): serial speed \(found.summary) found by auto",
                metadata: ["speed": "\(found.baud)", "framing": "\(found.framing)", "tried": "\(tried)"])
            registry.serial(deviceID, "\(found.summary) (found by auto)")
        case (.retune(let next), _, let error):
            if let error { logger.warning("cannot retune the port", metadata: ["error": "\(error)"]) }
            logger.debug("trying serial speed", metadata: ["speed": "\(next.summary)"])
            registry.serial(deviceID, "\(next.summary) (trying, auto)")
        default:
            break
        }
    }
}
