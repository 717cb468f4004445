import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One scenario tracker's connection to a hub listener, as a real unit keeps it: dial, log in and wait
/// for the ack, then send reports and read each one's ack before going on (the hub acks a batch only
/// once it is stored, so the next step sees it). A dropped link logs in again on the next report.
final class TrackerLink {
    let script: any TrackerScript
    let unit: String
    let host: String
    let port: Int
    private var fd: CInt = -1
    private(set) var serial: UInt16 = 1
    /// How the unit answers the hub's commands, kept across commands (its lock).
    private var answerer: CommandAnswerer?
    /// How long to wait for an ack; a hub under load may be slow, but a lost ack must not hang a run.
    static let ackTimeoutS = 15.0

    init(script: any TrackerScript, unit: String, address: String) throws {
        let e = try Loopback.endpoint(address)
        self.script = script
        self.unit = unit
        host = e.host
        port = e.port
    }

    /// Sends `frames` (each through `faults`), logging in first when not connected; waits for the acks
    /// the intact frames draw.
    func send(_ frames: [[UInt8]], faults: inout FaultInjector?) throws {
        try loginIfNeeded()
        var bytes: [UInt8] = [], expected = 0
        for f in frames {
            let sent = faults?.apply(f) ?? f
            bytes += sent
            // A damaged frame draws no ack, a doubled one two.
            let copies = sent == f ? 1 : sent == f + f ? 2 : 0
            expected += copies * script.replyBytes(for: f, unit: unit)
        }
        serial &+= UInt16(truncatingIfNeeded: frames.count)
        guard write(bytes) else {
            drop()
            throw ScenarioError("\(script.name) \(unit): the hub closed the connection")
        }
        var got = 0
        let deadline = Date().addingTimeInterval(Self.ackTimeoutS)
        while got < expected, let r = read(until: deadline) { got += r.count }
        if got < expected { note("\(script.name) \(unit): \(got) of \(expected) ack bytes within \(Int(Self.ackTimeoutS)) s") }
    }

    /// Reads the hub's next command (waiting for it as for an ack) and answers it as the unit would
    /// (`CommandAnswerer`), then reads the acks the unit's report of a changed lock draws; the answer's words.
    func answerCommand() throws -> String {
        guard fd >= 0 else { throw ScenarioError("\(script.name) \(unit): not connected, no command can reach it") }
        guard var answerer = answerer ?? script.answerer(unit: unit) else {
            throw ScenarioError("\(script.name) \(unit): this protocol takes no commands")
        }
        let deadline = Date().addingTimeInterval(Self.ackTimeoutS)
        var heard: (send: [[UInt8]], moreAcks: Int, acks: Int) = ([], 0, 0)
        while heard.send.isEmpty {
            guard let r = read(until: deadline) else { throw ScenarioError("\(script.name) \(unit): no command from the hub") }
            heard = answerer.take(r)
        }
        self.answerer = answerer
        for f in heard.send {
            guard write(f) else { throw ScenarioError("\(script.name) \(unit): the hub closed the connection") }
        }
        serial &+= UInt16(truncatingIfNeeded: heard.send.count)
        var got = 0
        while got < heard.moreAcks, let r = read(until: deadline) { got += r.count }
        return String(decoding: heard.send[0].filter { (32...126).contains($0) }, as: UTF8.self)
    }

    /// Closes the connection; the next report dials again and logs in.
    func drop() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    private func loginIfNeeded() throws {
        guard fd < 0 else { return }
        fd = ByteOutput.connect(host: host, port: port, udp: false)
        guard fd >= 0 else { throw ScenarioError("\(script.name) \(unit): cannot connect to \(host):\(port)") }
        guard write(script.login(unit: unit, serial: serial)) else { throw ScenarioError("\(script.name) \(unit): login not sent") }
        serial &+= 1
        var reply: [UInt8] = []
        let deadline = Date().addingTimeInterval(Self.ackTimeoutS)
        while true {
            if let accepted = script.loginAccepted(reply) {
                guard accepted else { throw ScenarioError("\(script.name) \(unit): the hub refused the login") }
                note("\(script.name) \(unit): logged in")
                return
            }
            guard let r = read(until: deadline) else { throw ScenarioError("\(script.name) \(unit): no login ack from the hub") }
            reply += r
        }
    }

    private func write(_ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            off += n
        }
        return true
    }

    /// What the hub sent next, or nil at its close or the deadline.
    private func read(until deadline: Date) -> [UInt8]? {
        let ms = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, ms) > 0 else { return nil }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buf[..<n]) : nil
    }
}
