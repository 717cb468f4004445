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

    /// The pause between one unit's frames or posts.
    static let pace = Duration.milliseconds(5)

    var isStopped: Bool { stopped.withLock { $0 } }
    func stop() { stopped.withLock { $0 = true } }

    var acked: Int { ackedFrames.withLock { $0.values.reduce(0) { $0 + $1.count } } + scans.withLock { $0.count } + declarations.withLock { $0.count } }

    private func ack(_ unit: String, _ frame: [UInt8]) { ackedFrames.withLock { $0[unit, default: []].append(frame) } }

    /// A GT06 e-seal: login, then heartbeats and alarms (each acknowledged) with positions between.
    func gt06(imei: String, port: Int) async {
        guard let client = try? LoopbackClient(port: port) else { return }
        var reader = AckReader(client: client)
        var serial: UInt16 = 1
        func acked(_ frame: [UInt8]) async -> Bool {
            guard (try? client.send(frame)) != nil else { return false }
            let s = serial
            // GT06 replies echo the frame's serial (bytes 4…5 of a short frame).
            while let reply = await reader.frame(ofLength: 10) {
                if UInt16(reply[4]) << 8 | UInt16(reply[5]) == s {
                    ack(imei, frame)
                    return true
                }
            }
            unackedSent.withLock { $0 += 1 }
            return false
        }
        guard await acked(GT06Encoder.login(imei: imei, serial: serial)!) else { return }
        var i = 0
        while !isStopped {
            // Paced like a busy unit, not flat out: suites run beside this one.
            try? await Task.sleep(for: Self.pace)
            i += 1
            serial &+= 1
            let at = Date(timeIntervalSince1970: 1_780_000_000 + Double(i))
            let p = GT06Encoder.Position(at: at, lat: 10.5 + Double(i) / 10_000, lon: 106.7, speedKmh: 40)
            if i % 3 == 0 {
                guard (try? client.send(GT06Encoder.location(p, serial: serial))) != nil else { return }
                unackedSent.withLock { $0 += 1 }
                continue
            }
            let frame = i % 3 == 1
                ? GT06Encoder.heartbeat(armed: true, serial: serial)
                : GT06Encoder.alarm(p, code: 0x03, armed: true, serial: serial)
            guard await acked(frame) else { return }
        }
    }

    /// A Teltonika tracker: IMEI handshake, then codec 8 packets of two records, each acknowledged
    /// with its record count.
    func teltonika(imei: String, port: Int) async {
        guard let client = try? LoopbackClient(port: port) else { return }
        var reader = AckReader(client: client)
        guard (try? client.send(TeltonikaEncoder.handshake(imei: imei))) != nil, await reader.frame(ofLength: 1) == [1] else { return }
        var i = 0
        while !isStopped {
            try? await Task.sleep(for: Self.pace)
            i += 2
            let records = (0..<2).map { k in
                TeltonikaEncoder.Record(
                    at: Date(timeIntervalSince1970: 1_780_000_000 + Double(i + k)), lat: 21.0 + Double(i + k) / 10_000,
                    lon: 105.8, speedKmh: 50)
            }
            let packet = TeltonikaEncoder.codec8(records)
            guard (try? client.send(packet)) != nil else { return }
            guard await reader.frame(ofLength: 4) == [0, 0, 0, 2] else {
                unackedSent.withLock { $0 += 1 }
                return
            }
            ack(imei, packet)
        }
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
    private var buffer: [UInt8] = []

    init(client: LoopbackClient) { self.client = client }

    /// The next `length` bytes, or nil when the hub closed or went silent for 10 s.
    mutating func frame(ofLength length: Int) async -> [UInt8]? {
        while buffer.count < length {
            guard let more = await client.receive(timeoutMs: 10_000), !more.isEmpty else { return nil }
            buffer += more
        }
        defer { buffer.removeFirst(length) }
        return Array(buffer.prefix(length))
    }
}
