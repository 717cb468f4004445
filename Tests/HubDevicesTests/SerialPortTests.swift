import Foundation
import Glibc
import HubDevices
import HubTesting
import Testing

/// termios on real pseudo-terminals.
struct SerialPortTests {
    static let settings = [
        SerialSettings(baud: 9600),
        SerialSettings(baud: 19200, dataBits: 7, parity: .even, stopBits: 2),
        SerialSettings(baud: 115_200, dataBits: 8, parity: .odd, stopBits: 1, flowControl: .rtscts),
        SerialSettings(baud: 4800, dataBits: 5, parity: .none, stopBits: 1, flowControl: .xonxoff),
    ]

    /// Every field of the attributes the port is given, as a real UART would take them.
    @Test(arguments: settings)
    func attributesCarryEveryLineSetting(_ settings: SerialSettings) throws {
        var start = termios()
        start.c_lflag = tcflag_t(ICANON) | tcflag_t(ECHO) | tcflag_t(ISIG)
        start.c_iflag = tcflag_t(ICRNL) | tcflag_t(IXON)
        start.c_oflag = tcflag_t(OPOST)
        var t = try SerialPort.attributes(from: start, settings: settings)
        #expect(cfgetispeed(&t) == SerialPort.speedConstant(settings.baud))
        #expect(cfgetospeed(&t) == SerialPort.speedConstant(settings.baud))
        let expectedSize = [5: CS5, 6: CS6, 7: CS7, 8: CS8][settings.dataBits]!
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(expectedSize))
        #expect((t.c_cflag & tcflag_t(PARENB) != 0) == (settings.parity != .none))
        #expect((t.c_cflag & tcflag_t(PARODD) != 0) == (settings.parity == .odd))
        #expect((t.c_cflag & tcflag_t(CSTOPB) != 0) == (settings.stopBits == 2))
        #expect((t.c_cflag & tcflag_t(CRTSCTS) != 0) == (settings.flowControl == .rtscts))
        #expect((t.c_iflag & tcflag_t(IXON) != 0) == (settings.flowControl == .xonxoff))
        #expect(t.c_cflag & tcflag_t(CREAD) != 0 && t.c_cflag & tcflag_t(CLOCAL) != 0)
        assertRaw(t)
    }

    /// The same settings applied to a real pseudo-terminal: speed, stop bits and raw mode stick
    /// (the pty driver itself forces 8 data bits and no parity, so those are checked above).
    @Test(arguments: settings)
    func aRealTerminalTakesTheSettings(_ settings: SerialSettings) throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let fd = try SerialPort.open(path: pty.slavePath, settings: settings)
        defer { close(fd) }
        var t = termios()
        #expect(tcgetattr(fd, &t) == 0)
        #expect(cfgetispeed(&t) == SerialPort.speedConstant(settings.baud))
        #expect(cfgetospeed(&t) == SerialPort.speedConstant(settings.baud))
        #expect((t.c_cflag & tcflag_t(CSTOPB) != 0) == (settings.stopBits == 2))
        #expect((t.c_iflag & tcflag_t(IXON) != 0) == (settings.flowControl == .xonxoff))
        assertRaw(t)
    }

    /// No line editing, no echo, no CR/LF translation, no signals, reads return from one byte.
    private func assertRaw(_ t: termios) {
        #expect(t.c_lflag & tcflag_t(ICANON) == 0)
        #expect(t.c_lflag & tcflag_t(ECHO) == 0)
        #expect(t.c_lflag & tcflag_t(ISIG) == 0)
        #expect(t.c_iflag & tcflag_t(ICRNL) == 0)
        #expect(t.c_oflag & tcflag_t(OPOST) == 0)
        var copy = t
        withUnsafeBytes(of: &copy.c_cc) { cc in
            #expect(cc[Int(VMIN)] == 1)
            #expect(cc[Int(VTIME)] == 0)
        }
    }

    @Test func bytesWrittenByTheDeviceArriveUnchanged() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let fd = try SerialPort.open(path: pty.slavePath, settings: SerialSettings())
        defer { close(fd) }
        let sent = Array("GS,000079\r\nGX,1\r\n\u{03}\u{1A}\u{7F}".utf8)
        #expect(pty.write(sent) == sent.count)
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 256)
        for _ in 0..<50 where got.count < sent.count {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 256) }
            if n > 0 { got += buf.prefix(n) }
        }
        #expect(got == sent, "raw mode passes CR, ^C, ^Z and DEL through")
    }

    @Test func aMissingPortFailsWithItsPathAndReason() {
        #expect {
            _ = try SerialPort.open(path: "/dev/niihub-no-such-port", settings: SerialSettings())
        } throws: { error in
            "\(error)".contains("/dev/niihub-no-such-port") && "\(error)".contains("No such file")
        }
    }

    @Test func aStableLinkFollowsTheTerminalItNamesNow() throws {
        let dir = try TemporaryDirectory("link")
        let a = try PseudoTerminal()
        let b = try PseudoTerminal()
        defer { a.close(); b.close() }
        try a.link(at: dir.path("port"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("port")) == a.slavePath)
        try b.link(at: dir.path("port"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path("port")) == b.slavePath)
    }
}
