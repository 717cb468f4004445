import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request to the hub on 127.0.0.1 from a chosen loopback source address (any of
/// 127.0.0.0/8): URLSession always sends from 127.0.0.1, and what the hub does by client address
/// needs clients at several. Waits by sleeping between checks, never in `poll`, so the hub under
/// test (in this process) keeps its threads.
struct SourceAddressHTTP {
    var status: Int
    /// Header names in lower case.
    var headers: [String: String]
    var body: String
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func send(
        port: Int, from source: String, _ method: String, _ path: String, headers: [String: String] = [:], body: String = ""
    ) async throws -> SourceAddressHTTP {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        func address(_ host: String, _ port: Int) -> sockaddr_in {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            a.sin_addr.s_addr = inet_addr(host)
            return a
        }
        var from = address(source, 0)
        var to = address("127.0.0.1", port)
        let len = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafePointer(to: &from, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }) == 0,
            withUnsafePointer(to: &to, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, len) } }) == 0
        else { throw Failure(description: "bind/connect from \(source): \(String(cString: strerror(errno)))") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        let bytes = Array((head + body).utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            sent += n
        }
        // The hub closes after its answer (Connection: close): read to the end.
        var answer: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) > 0 {
                var buf = [UInt8](repeating: 0, count: 16_384)
                let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                answer += buf.prefix(n)
            } else {
                guard ContinuousClock.now < deadline else { throw Failure(description: "no complete answer in 60 s") }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let text = String(decoding: answer, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no header end in \(text)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line in \(text)") }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return SourceAddressHTTP(status: status, headers: fields, body: String(text[split.upperBound...]))
    }

    /// `POST /api/v1/login` from `source`.
    static func login(
        _ h: HubHarness, from source: String, _ user: String, _ password: String, headers: [String: String] = [:]
    ) async throws -> SourceAddressHTTP {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["user": user, "password": password]), as: UTF8.self)
        return try await send(
            port: h.port, from: source, "POST", "/api/v1/login", headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
            body: body)
    }
}
