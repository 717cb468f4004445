import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Plain blocking sockets to the hub on 127.0.0.1, the way a simple device talks: no NIO on the
/// device side, so the hub's networking is tested against an independent peer.
public final class LoopbackClient: Sendable {
    public let fd: CInt

    /// Connects to 127.0.0.1:`port` over TCP (or UDP, where `connect` only fixes the peer).
    public init(port: Int, udp: Bool = false) throws {
        fd = socket(AF_INET, Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket", errno: errno) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw Failure(what: "connect", errno: e)
        }
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(what: "send", errno: errno) }
            done += n
        }
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads what arrives within `timeoutMs`; empty on timeout, nil when the hub closed the connection.
    /// Waits by sleeping between checks, not in `poll`, so the hub under test (in the same process,
    /// on the same few threads) keeps running meanwhile. The default is generous: a hub acks only what
    /// it has stored, and on a loaded machine that fsync can take seconds.
    public func receive(timeoutMs: Int = 15_000) async -> [UInt8]? {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        repeat {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) > 0 {
                var buf = [UInt8](repeating: 0, count: 65_536)
                let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                return n > 0 ? Array(buf.prefix(n)) : nil
            }
            try? await Task.sleep(for: .milliseconds(5))
        } while ContinuousClock.now < deadline
        return []
    }

    public struct Failure: Error, CustomStringConvertible {
        var what: String
        var errno: CInt
        public var description: String { "\(what): \(String(cString: strerror(errno)))" }
    }
}

/// A device that serves: listens on 127.0.0.1 (an ephemeral port) for the hub to connect.
public final class LoopbackServer: Sendable {
    public let fd: CInt
    public let port: Int

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackClient.Failure(what: "socket", errno: errno) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && listen(fd, 8) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else {
            let e = errno
            close(fd)
            throw LoopbackClient.Failure(what: "bind", errno: e)
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }

    /// Waits up to `timeoutMs` for the hub to connect; returns the connection's descriptor.
    public func accept(timeoutMs: Int = 10_000) async -> CInt? {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        repeat {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) > 0 {
                let c = Glibc.accept(fd, nil, nil)
                return c >= 0 ? c : nil
            }
            try? await Task.sleep(for: .milliseconds(5))
        } while ContinuousClock.now < deadline
        return nil
    }
}
