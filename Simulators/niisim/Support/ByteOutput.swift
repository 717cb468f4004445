import ArgumentParser
import Foundation
import HubDevices
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where a stream device's bytes go: `--link PATH` (a pseudo-terminal it creates, linked at a stable
/// path, as udev links a by-id name), `--stdout`, or a hub listener on loopback (`--tcp`/`--udp`).
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Create a pseudo-terminal and link this path to it.")
    var link: String?

    @Flag(name: .long, help: "Write the device's bytes to standard output.")
    var stdout = false

    @Option(name: .long, help: "Connect to a hub TCP listener, HOST:PORT (loopback only).")
    var tcp: String?

    @Option(name: .long, help: "Send datagrams to a hub UDP listener, HOST:PORT (loopback only).")
    var udp: String?

    func validate() throws {
        let given = [link != nil, stdout, tcp != nil, udp != nil].filter { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --link PATH, --stdout, --tcp HOST:PORT, --udp HOST:PORT") }
        if let tcp { _ = try Loopback.endpoint(tcp) }
        if let udp { _ = try Loopback.endpoint(udp) }
    }
}

/// The opened output. Writes never throw: a device whose listener is gone loses bytes, it does not stop.
/// A network output says at its close how many bytes the peer's kernel took and over how many
/// connections, so a tester (or a test) can wait until the hub has read exactly that much.
final class ByteOutput: Sendable {
    private enum Kind { case pty(link: String), stdout, socket(host: String, port: Int, udp: Bool) }
    private let kind: Kind
    private let name: String
    private let fd = Mutex<CInt>(-1)
    private let terminal = Mutex<PseudoTerminal?>(nil)
    /// Bytes sent and sockets connected so far (network outputs), and whether the close said so.
    private let sent = Mutex((bytes: 0, connections: 0, reported: false))

    convenience init(_ o: OutputOptions, name: String) throws {
        try self.init(link: o.link, tcp: o.tcp, udp: o.udp, name: name)
    }

    /// A pseudo-terminal linked at `link`, a loopback TCP or UDP peer, or (none given) standard output.
    init(link: String? = nil, tcp: String? = nil, udp: String? = nil, name: String) throws {
        self.name = name
        if let link {
            let dir = (link as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            kind = .pty(link: link)
            let p = try Self.terminal(at: link)
            terminal.withLock { $0 = p }
            note("\(name) on \(p.slavePath), linked at \(link)")
        } else if let t = tcp ?? udp {
            let e = try Loopback.endpoint(t)
            kind = .socket(host: e.host, port: e.port, udp: udp != nil)
            reconnect()
        } else {
            kind = .stdout
        }
    }

    func write(_ bytes: [UInt8]) {
        switch kind {
        case .pty: _ = terminal.withLock { $0?.write(bytes, timeoutMs: 100) }
        case .stdout: FileHandle.standardOutput.write(Data(bytes))
        case .socket:
            let s = fd.withLock { $0 }
            if s < 0 { reconnect() }
            let ok = fd.withLock { fd in bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
            if ok > 0 { sent.withLock { $0.bytes += ok } }
            if ok < 0 { reconnect() }
        }
    }

    /// Drops the connection and dials again (a `--disconnect-every` fault, or a lost hub); a
    /// pseudo-terminal is closed and a new one linked at the same path, as a cable pulled and replugged.
    func reconnect() {
        if case .pty(let link) = kind {
            terminal.withLock { p in
                p?.close()
                p = try? Self.terminal(at: link)
            }
            return
        }
        guard case .socket(let host, let port, let udp) = kind else { return }
        let connected = fd.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = Self.connect(host: host, port: port, udp: udp)
            return fd >= 0
        }
        if connected { sent.withLock { $0.connections += 1 } }
    }

    func close() {
        switch kind {
        case .pty: terminal.withLock { $0?.close(); $0 = nil }
        case .stdout: break
        case .socket(_, _, let udp):
            fd.withLock { if $0 >= 0 { Glibc.close($0) }; $0 = -1 }
            let s = sent.withLock { s in
                defer { s.reported = true }
                return s
            }
            guard !s.reported else { return }
            note(udp ? "\(name): \(s.bytes) bytes sent in datagrams" : "\(name): \(s.bytes) bytes sent over \(s.connections) connections")
        }
    }

    private static func terminal(at link: String) throws -> PseudoTerminal {
        let p = try PseudoTerminal()
        try p.link(at: link)
        return p
    }

    /// A connected loopback socket, or -1.
    static func connect(host: String, port: Int, udp: Bool) -> CInt {
        var hints = addrinfo()
        hints.ai_socktype = Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let name = host == "localhost" ? "127.0.0.1" : host
        guard getaddrinfo(name, String(port), &hints, &res) == 0, let ai = res else { return -1 }
        defer { freeaddrinfo(res) }
        let s = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { return -1 }
        guard Glibc.connect(s, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 else {
            Glibc.close(s)
            return -1
        }
        return s
    }
}
