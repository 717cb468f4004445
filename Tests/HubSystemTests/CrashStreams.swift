import Foundation
import HubAppTesting
import HubDevices
import HubDrivers
import HubTesting
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The simulated devices of the crash test, each recording exactly what the hub acknowledged: a
/// frame counts only once its ack (TCP) or its 2xx (HTTP) has been received.
final class CrashStreams: Sendable {
    /// Opt-in for failover tests: when a TCP unit's link closes or an ack does not come, it connects
    /// again (after `backoff`, doubling to 1 s) and resends the frame, until `window` has passed
    /// since the failure. Without it a unit stops at its first failure, as a crash test wants.
    struct Reconnect: Sendable {
        var backoff = Duration.milliseconds(100)
        var window = Duration.seconds(60)
        /// How long a unit waits for an ack before it gives the link up: longer than the hub holds
        /// an ack while its store fails over, so a late ack is taken rather than its frame resent.
        var ackTimeoutMs = 40_000
    }

    let reconnect: Reconnect?
    private let stopped = Mutex(false)
    /// Per unit (IMEI), the frames whose ack came back.
    let ackedFrames = Mutex<[String: [[UInt8]]]>([:])
    /// Frames sent that get no ack (GT06 positions) or whose ack never came.
    let unackedSent = Mutex(0)
    /// Scan results answered 201: the event ids.
    let scans = Mutex<[String]>([])
    /// Declarations answered 201: their numbers.
    let declarations = Mutex<[String]>([])
    let ptyBytes = Mutex(0)
    /// Reconnecting mode: per unit, the frames sent again on a new link (the hub may hold a copy of
    /// each from before, acked or not), and how many links were made again.
    let resentFrames = Mutex<[String: [[UInt8]]]>([:])
    let reconnects = Mutex(0)

    init(reconnect: Reconnect? = nil) { self.reconnect = reconnect }

    /// The pause between one unit's frames or posts.
    static let pace = Duration.milliseconds(5)

    var isStopped: Bool { stopped.withLock { $0 } }
    func stop() { stopped.withLock { $0 = true } }

    var acked: Int { ackedFrames.withLock { $0.values.reduce(0) { $0 + $1.count } } + scans.withLock { $0.count } + declarations.withLock { $0.count } }

    private func ack(_ unit: String, _ frame: [UInt8]) { ackedFrames.withLock { $0[unit, default: []].append(frame) } }

    /// A GT06 e-seal: login, then heartbeats and alarms (each acknowledged) with positions between.
    /// `firstSerial` sets where its serials start: a heartbeat's bytes are its serial alone, so units
    /// given apart ranges send frames no other unit sends, and each can be found in the archive.
    func gt06(imei: String, port: Int, firstSerial: UInt16 = 1) async {
        var serial = firstSerial
        var client: LoopbackClient?
        var reader: AckReader?
        /// Sends `frame` on the current link; with `ackSerial`, true once the reply echoing it came
        /// (GT06 replies echo the frame's serial, bytes 4…5 of a short frame).
        func send(_ frame: [UInt8], ackSerial: UInt16?) async -> Bool {
            guard let link = client, (try? link.send(frame)) != nil else { return false }
            guard let s = ackSerial else {
                unackedSent.withLock { $0 += 1 }
                return true
            }
            while let reply = await reader?.frame(ofLength: 10) {
                if UInt16(reply[4]) << 8 | UInt16(reply[5]) == s {
                    ack(imei, frame)
                    return true
                }
            }
            unackedSent.withLock { $0 += 1 }
            return false
        }
        func login() async -> Bool {
            guard let link = try? LoopbackClient(port: port) else { return false }
            (client, reader) = (link, AckReader(client: link, timeoutMs: reconnect?.ackTimeoutMs ?? 10_000))
            return await send(GT06Encoder.login(imei: imei, serial: serial)!, ackSerial: serial)
        }
        guard await login() else { return }
        var i = 0
        while !isStopped {
            // Paced like a busy unit, not flat out: suites run beside this one.
            try? await Task.sleep(for: Self.pace)
            i += 1
            serial &+= 1
            let at = Date(timeIntervalSince1970: 1_780_000_000 + Double(i))
            let p = GT06Encoder.Position(at: at, lat: 10.5 + Double(i) / 10_000, lon: 106.7, speedKmh: 40)
            let (frame, s): ([UInt8], UInt16?) = switch i % 3 {
            case 0: (GT06Encoder.location(p, serial: serial), nil)
            case 1: (GT06Encoder.heartbeat(armed: true, serial: serial), serial)
            default: (GT06Encoder.alarm(p, code: 0x03, armed: true, serial: serial), serial)
            }
            // A new link logs in under a serial of its own, so its login's bytes are new too.
            let delivered = await deliver(imei, frame, connect: { serial &+= 1; return await login() }) {
                await send(frame, ackSerial: s)
            }
            guard delivered else { return }
        }
    }

    /// A Teltonika tracker: IMEI handshake, then codec 8 packets of two records, each acknowledged
    /// with its record count. A packet does not name its unit, so trackers given apart `lon`s send
    /// packets no other tracker sends.
    func teltonika(imei: String, port: Int, lon: Double = 105.8) async {
        var client: LoopbackClient?
        var reader: AckReader?
        func handshake() async -> Bool {
            guard let link = try? LoopbackClient(port: port) else { return false }
            (client, reader) = (link, AckReader(client: link, timeoutMs: reconnect?.ackTimeoutMs ?? 10_000))
            guard (try? link.send(TeltonikaEncoder.handshake(imei: imei))) != nil else { return false }
            return await reader?.frame(ofLength: 1) == [1]
        }
        func send(_ packet: [UInt8]) async -> Bool {
            guard let link = client, (try? link.send(packet)) != nil else { return false }
            guard await reader?.frame(ofLength: 4) == [0, 0, 0, 2] else {
                unackedSent.withLock { $0 += 1 }
                return false
            }
            ack(imei, packet)
            return true
        }
        guard await handshake() else { return }
        var i = 0
        while !isStopped {
            try? await Task.sleep(for: Self.pace)
            i += 2
            let records = (0..<2).map { k in
                TeltonikaEncoder.Record(
                    at: Date(timeIntervalSince1970: 1_780_000_000 + Double(i + k)), lat: 21.0 + Double(i + k) / 10_000,
                    lon: lon, speedKmh: 50)
            }
            let packet = TeltonikaEncoder.codec8(records)
            guard await deliver(imei, packet, connect: handshake, { await send(packet) }) else { return }
        }
    }

    /// One frame of `unit`: `send` once; in reconnecting mode, on failure, `connect` anew and send
    /// it again, until it is acknowledged or the window has passed.
    private func deliver(
        _ unit: String, _ frame: [UInt8], connect: () async -> Bool, _ send: () async -> Bool
    ) async -> Bool {
        if await send() { return true }
        guard let reconnect else { return false }
        let deadline = ContinuousClock.now + reconnect.window
        var pause = reconnect.backoff
        while !isStopped, ContinuousClock.now < deadline {
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(1))
            guard await connect() else { continue }
            reconnects.withLock { $0 += 1 }
            resentFrames.withLock { $0[unit, default: []].append(frame) }
            if await send() { return true }
        }
        return false
    }

    /// A portal monitor on a pseudo-terminal, replaying its capture until stopped (no acks: the
    /// serial line has none).
    func rpm(_ pty: PseudoTerminal, corpus: String) async {
        guard let lines = try? RapiscanFeed.deviceLines(corpus) else { return }
        var start = 0
        while !isStopped {
            let end = min(start + 100, lines.count)
            // About 500 lines a second: a busy monitor, not a flood that starves the other devices.
            guard (try? await pty.play(lines[start..<end], perBurst: 10, pause: .milliseconds(20))) != nil else { return }
            ptyBytes.withLock { $0 += lines[start..<end].reduce(0) { $0 + $1.count } }
            start = end == lines.count ? 0 : end
        }
    }

    /// A scanner adapter posting scan results; each 201 is recorded with the event's id.
    func scanner(_ name: String, hub: Int, token: String) async {
        var n = 0
        while !isStopped {
            try? await Task.sleep(for: Self.pace)
            n += 1
            let doc = ScanSamples.suspect.replacingOccurrences(of: "MT-2026-000731", with: "\(name)-\(n)")
            guard let (status, json) = await Self.post(hub, "/api/v1/scans", doc, token: token) else { return }
            if status == 201, let id = json["id"] as? String { scans.withLock { $0.append(id) } }
        }
    }

    /// The customs system posting declarations; each 201 is recorded.
    func declarant(hub: Int, token: String) async {
        var n = 0
        while !isStopped {
            try? await Task.sleep(for: Self.pace)
            n += 1
            let number = String(format: "7%011d", n)
            let doc = DeclarationSamples.doc(number, containers: ["TCNU7200794"], plate: "29H-\(n)")
            guard let (status, _) = await Self.post(hub, "/api/v1/declarations", doc, token: token) else { return }
            if status == 201 { declarations.withLock { $0.append(number) } }
        }
    }

    static func post(_ port: Int, _ path: String, _ body: String, token: String) async -> (Int, [String: Any])? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }
}

/// Cuts a unit's incoming bytes into the hub's replies, which have a known length per family.
struct AckReader {
    let client: LoopbackClient
    let timeoutMs: Int
    private var buffer: [UInt8] = []

    init(client: LoopbackClient, timeoutMs: Int = 10_000) {
        self.client = client
        self.timeoutMs = timeoutMs
    }

    /// The next `length` bytes, or nil when the hub closed or went silent for `timeoutMs`.
    mutating func frame(ofLength length: Int) async -> [UInt8]? {
        while buffer.count < length {
            guard let more = await client.receive(timeoutMs: timeoutMs), !more.isEmpty else { return nil }
            buffer += more
        }
        defer { buffer.removeFirst(length) }
        return Array(buffer.prefix(length))
    }
}
