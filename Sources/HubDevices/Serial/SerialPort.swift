#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens serial devices and puts them in raw mode with termios.
public enum SerialPort {
    /// Opens `path` non-blocking, without becoming its controlling terminal, takes it exclusively,
    /// and applies `settings` in raw mode (no echo, no line editing, no CR/LF translation, VMIN 1).
    /// Returns the descriptor.
    ///
    /// A port has one reader. Two descriptors open on one terminal both wake for the same bytes and
    /// race to read them: the loser finds nothing (SwiftNIO asserts on exactly that), and each reader
    /// decodes a share of the lines, so readings are lost or cut in half. Whoever opens a port the
    /// hub already reads (a second hub, a stale service, a reconnect that found a reused
    /// pseudo-terminal number) gets `SerialPortError.inUse` instead. The lock is `flock` on the open
    /// file, released when its last descriptor closes; `TIOCEXCL` is not used: root ignores it, and
    /// the flag outlives the descriptor on a terminal someone else keeps open, so the hub could lock
    /// itself out of its own port after a reload.
    public static func open(path: String, settings: SerialSettings) throws(SerialPortError) -> CInt {
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw SerialPortError(path: path, operation: "open", errno: errno) }
        do throws(SerialPortError) {
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let e = errno
                throw SerialPortError(path: path, operation: e == EWOULDBLOCK ? SerialPortError.inUse : "flock", errno: e)
            }
            try configure(fd: fd, path: path, settings: settings)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Applies `settings` to an open terminal descriptor.
    public static func configure(fd: CInt, path: String, settings: SerialSettings) throws(SerialPortError) {
        var current = termios()
        guard tcgetattr(fd, &current) == 0 else {
            throw SerialPortError(path: path, operation: "tcgetattr", errno: errno)
        }
        var t = try attributes(from: current, settings: settings, path: path)
        guard tcsetattr(fd, TCSANOW, &t) == 0 else {
            throw SerialPortError(path: path, operation: "tcsetattr", errno: errno)
        }
        // Input already queued is kept (not flushed): after a reload or a brief loss it is the
        // device's real data, and bytes read with wrong settings are counted as rejects anyway.
    }

    /// Moves an open port to other line settings while hunting for its speed, and drops what was
    /// queued: bytes received at the old speed are noise at the new one and must not be taken for
    /// the new setting's frames (or its rejects).
    public static func retune(fd: CInt, path: String, settings: SerialSettings) throws(SerialPortError) {
        try configure(fd: fd, path: path, settings: settings)
        tcflush(fd, TCIFLUSH)
    }

    /// The terminal attributes for `settings`: raw mode, then speed, character size, parity, stop bits
    /// and flow control. Kept apart from the system call so every field can be checked, since a
    /// pseudo-terminal forces 8 data bits and no parity whatever it is asked.
    public static func attributes(from current: termios, settings: SerialSettings, path: String = "")
        throws(SerialPortError) -> termios
    {
        var t = current
        cfmakeraw(&t)
        t.c_cflag &= ~(tcflag_t(CSIZE) | tcflag_t(PARENB) | tcflag_t(PARODD) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
        t.c_cflag |= (tcflag_t(CLOCAL) | tcflag_t(CREAD))
        switch settings.dataBits {
        case 5: t.c_cflag |= tcflag_t(CS5)
        case 6: t.c_cflag |= tcflag_t(CS6)
        case 7: t.c_cflag |= tcflag_t(CS7)
        default: t.c_cflag |= tcflag_t(CS8)
        }
        switch settings.parity {
        case .none: break
        case .even: t.c_cflag |= tcflag_t(PARENB)
        case .odd: t.c_cflag |= (tcflag_t(PARENB) | tcflag_t(PARODD))
        }
        if settings.stopBits == 2 { t.c_cflag |= tcflag_t(CSTOPB) }
        t.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
        switch settings.flowControl {
        case .none: break
        case .rtscts: t.c_cflag |= tcflag_t(CRTSCTS)
        case .xonxoff: t.c_iflag |= (tcflag_t(IXON) | tcflag_t(IXOFF))
        }
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard let speed = speedConstant(settings.baud) else {
            throw SerialPortError(path: path, operation: "baud \(settings.baud)", errno: EINVAL)
        }
        guard cfsetispeed(&t, speed) == 0, cfsetospeed(&t, speed) == 0 else {
            throw SerialPortError(path: path, operation: "cfsetspeed", errno: errno)
        }
        return t
    }

    /// The termios speed constant for a baud rate.
    public static func speedConstant(_ baud: Int) -> speed_t? {
        switch baud {
        case 300: speed_t(B300)
        case 600: speed_t(B600)
        case 1200: speed_t(B1200)
        case 1800: speed_t(B1800)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 9600: speed_t(B9600)
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        case 230_400: speed_t(B230400)
        case 460_800: speed_t(B460800)
        case 500_000: speed_t(B500000)
        case 576_000: speed_t(B576000)
        case 921_600: speed_t(B921600)
        case 1_000_000: speed_t(B1000000)
        default: nil
        }
    }
}

/// A serial port that could not be opened or configured.
public struct SerialPortError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: CInt

    public init(path: String, operation: String, errno: CInt) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    /// The operation of an error for a port another reader holds.
    public static let inUse = "in use: another reader has it open"

    /// True when the port exists but another reader holds it.
    public var isInUse: Bool { operation == Self.inUse }

    public var description: String {
        isInUse ? "\(path): \(operation)" : "\(path): \(operation): \(String(cString: strerror(errno)))"
    }
}
