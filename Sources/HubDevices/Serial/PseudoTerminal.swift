#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CPseudoTerminal
import Synchronization

/// A pseudo-terminal pair: the hub opens the slave side as it would a device's serial port, and a
/// simulator or test writes the device's bytes into the master side.
///
/// The slave is put in raw mode at once and one descriptor to it is held, so nothing written before
/// the hub attaches is echoed or edited, and the hub can close and reopen the port.
public final class PseudoTerminal: Sendable {
    public let master: CInt
    /// `/dev/pts/N`, the path to hand the hub (or link to from a stable name).
    public let slavePath: String
    private let slaveHold: CInt
    private let closed = Mutex(false)

    public init() throws(SerialPortError) {
        var name = [CChar](repeating: 0, count: 128)
        let m = niihub_open_pty_master(&name, name.count)
        guard m >= 0 else { throw SerialPortError(path: "/dev/ptmx", operation: "posix_openpt", errno: errno) }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let s = Glibc.open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard s >= 0 else {
            let e = errno
            Glibc.close(m)
            throw SerialPortError(path: path, operation: "open", errno: e)
        }
        do {
            try SerialPort.configure(fd: s, path: path, settings: SerialSettings())
        } catch {
            Glibc.close(s)
            Glibc.close(m)
            throw error
        }
        master = m
        slavePath = path
        slaveHold = s
    }

    deinit { close() }

    /// Points `path` at the slave (replacing whatever was there, atomically), like a udev by-id link.
    public func link(at path: String) throws(SerialPortError) {
        let tmp = path + ".tmp-\(getpid())"
        unlink(tmp)
        guard symlink(slavePath, tmp) == 0 else { throw SerialPortError(path: tmp, operation: "symlink", errno: errno) }
        guard rename(tmp, path) == 0 else {
            let e = errno
            unlink(tmp)
            throw SerialPortError(path: path, operation: "rename", errno: e)
        }
    }

    /// Writes all of `bytes`, waiting up to `timeoutMs` for room when the reader is slow.
    /// Returns how many bytes went in (fewer on timeout: a device without a listener loses them too).
    @discardableResult
    public func write(_ bytes: [UInt8], timeoutMs: Int32 = 2000) -> Int {
        var done = 0
        while done < bytes.count {
            var p = pollfd(fd: master, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, timeoutMs) > 0 else { break }
            let n = bytes[done...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                break
            }
            done += n
        }
        return done
    }

    /// Reads what the slave side has written (a hub's acks), waiting up to `timeoutMs`.
    public func read(max: Int = 4096, timeoutMs: Int32 = 1000) -> [UInt8] {
        var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, timeoutMs) > 0 else { return [] }
        var buf = [UInt8](repeating: 0, count: max)
        let n = buf.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, max) }
        return n > 0 ? Array(buf.prefix(n)) : []
    }

    /// Closes both sides: a reader of the slave sees the port vanish (EIO), as when a cable is pulled.
    public func close() {
        let first = closed.withLock { c -> Bool in
            defer { c = true }
            return !c
        }
        guard first else { return }
        Glibc.close(slaveHold)
        Glibc.close(master)
    }
}
