import Dispatch
import Foundation
import HubDevices
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A relay board's serial line: commands written, answers read before a deadline. The blocking
/// writes and reads run on the line's own dispatch queue, never on the tasks that run the hub, and
/// one command at a time (a board takes its commands in turn).
final class RelayLine: Sendable {
    let path: String
    let settings: SerialSettings
    private let queue: DispatchQueue
    private let fd = Mutex<CInt?>(nil)

    /// What one command came to.
    enum Outcome: Sendable, Equatable {
        /// Written; the bytes read back before the answer was complete or the deadline passed.
        case sent(answer: [UInt8])
        /// The port could not be opened or written: the board is unplugged.
        case lineDown(String)
    }

    init(path: String, settings: SerialSettings) {
        self.path = path
        self.settings = settings
        queue = DispatchQueue(label: "niihub.relay.\(path)")
    }

    /// Opens the port if it is not open; the error when it cannot be.
    func open() async -> String? {
        await run { self.openNow() }
    }

    /// Writes `command`, then reads until `complete` says the answer is whole or `timeoutMs` passes
    /// (nil: no answer is read; the board does not give one).
    func send(_ command: [UInt8], timeoutMs: Int?, complete: @escaping @Sendable ([UInt8]) -> Bool) async -> Outcome {
        await run {
            if let error = self.openNow() { return .lineDown(error) }
            guard let fd = self.fd.withLock({ $0 }) else { return .lineDown("not open") }
            // A late answer to an earlier command is not this one's.
            tcflush(fd, TCIFLUSH)
            guard Self.writeAll(fd, command) else {
                let error = "write: \(String(cString: strerror(errno)))"
                self.closeNow()
                return .lineDown(error)
            }
            guard let timeoutMs else { return .sent(answer: []) }
            var got: [UInt8] = []
            let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
            while !complete(got) {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { break }
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ms = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
                let ready = poll(&p, 1, ms)
                if ready < 0, errno == EINTR { continue }
                guard ready > 0 else { break }
                var buf = [UInt8](repeating: 0, count: 64)
                let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 64) }
                if n > 0 {
                    got += buf.prefix(n)
                } else if n < 0, errno == EAGAIN || errno == EINTR {
                    continue
                } else {
                    // End of file or an error: the port went away under the command.
                    self.closeNow()
                    return .lineDown("read: " + (n == 0 ? "the port closed" : String(cString: strerror(errno))))
                }
            }
            return .sent(answer: got)
        }
    }

    /// Closes the port (at shutdown).
    func close() async {
        await run { self.closeNow() }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in queue.async { c.resume(returning: work()) } }
    }

    private func openNow() -> String? {
        if fd.withLock({ $0 }) != nil { return nil }
        do {
            let opened = try SerialPort.open(path: path, settings: settings)
            fd.withLock { $0 = opened }
            return nil
        } catch {
            return error.description
        }
    }

    private func closeNow() {
        if let old = fd.withLock({ f -> CInt? in defer { f = nil }; return f }) { Glibc.close(old) }
    }

    private static func writeAll(_ fd: CInt, _ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, 1000) > 0 else { return false }
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            done += n
        }
        return true
    }
}
