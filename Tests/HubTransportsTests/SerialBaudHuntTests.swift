import Foundation
import HubDevices
import HubDrivers
import HubIngest
import HubModel
import HubSite
import HubStore
import HubTesting
import HubTransports
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A GNSS receiver on a pseudo-terminal that only makes sense at its own speed. A pseudo-terminal
/// carries bytes whatever speed is set on it, so the receiver reads the speed the hub set (termios is
/// the terminal's, shared by every descriptor on it) and writes real sentences when it matches, and
/// otherwise what a UART at the wrong speed delivers: the same bytes shifted out of shape, with no
/// line ends and no `$`.
final class SpeedKeyedReceiver: Sendable {
    let pty: PseudoTerminal
    let baud: Int
    /// Speeds seen on the line, in order, each once per change; and the fixes written at the right one.
    private let log = Mutex<(speeds: [Int], fixes: [NMEAEncoder.Fix])>(([], []))

    init(baud: Int) throws {
        pty = try PseudoTerminal()
        self.baud = baud
    }

    var speeds: [Int] { log.withLock { $0.speeds } }
    var fixes: [NMEAEncoder.Fix] { log.withLock { $0.fixes } }

    /// The line's speed as the hub set it, read from a descriptor of the slave that never reads.
    private func lineSpeed(_ fd: CInt) -> Int? {
        var t = termios()
        guard tcgetattr(fd, &t) == 0 else { return nil }
        let speed = cfgetispeed(&t)
        return SerialSettings.supportedBauds.first { SerialPort.speedConstant($0) == speed }
    }

    /// Writes an epoch every few milliseconds until cancelled.
    func run() async {
        let fd = open(pty.slavePath, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var second = 0
        while !Task.isCancelled {
            guard let speed = lineSpeed(fd) else { break }
            let fix = NMEAEncoder.Fix(
                at: Date(timeIntervalSince1970: 1_764_000_000 + Double(second)), lat: 10.5 + Double(second) * 0.0001,
                lon: 106.7)
            let epoch = NMEAEncoder.epoch(fix).joined()
            let atSpeed = speed == baud
            log.withLock { l in
                if l.speeds.last != speed { l.speeds.append(speed) }
                if atSpeed { l.fixes.append(fix) }
            }
            pty.write(atSpeed ? Array(epoch) : epoch.map { $0 << 1 }, timeoutMs: 100)
            second += 1
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// `baud: auto` on a real pseudo-terminal: the hub hunts through the profile's speeds, locks at the
/// receiver's, decodes its fixes, says what it found, and a reopened link starts there.
@Suite(.timeLimit(.minutes(3)))
struct SerialBaudHuntTests {
    @Test func aReceiverAtASpeedNotListedFirstIsFoundAndKept() async throws {
        let dir = try TemporaryDirectory("baud-hunt")
        let receiver = try SpeedKeyedReceiver(baud: 38400)
        try receiver.pty.link(at: dir.path("gps"))
        let path = try dir.write("site.yaml", """
            site: hunt
            profiles: \(Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
            store: {sqlite: hub.sqlite}
            devices:
              - {id: gps-1, profile: ublox-nmea-usb, port: gps, serial: {baud: auto, bauds: [9600, 4800, 38400, 115200]}}
            """)
        let devices = try SiteConfig.load(path: path, knownProtocols: DriverCatalog.protocols).devices
        let log = MemoryLog()
        var logger = log.logger(label: "baud-hunt")
        logger.logLevel = .info
        let hub = try SupervisedDevices(devices, storePath: dir.path("hub.sqlite"), logger: logger)
        let (store, sink) = (hub.store, hub.sink)
        let simulating = Task { await receiver.run() }
        func serial() -> String? { sink.registry.status("gps-1")?.serial }

        // Generous: on a CI machine running every suite on two cores the pool can stall for seconds,
        // and the hunt needs three candidates' worth of reads. A pass does not wait for the limit.
        #expect(await eventually(timeout: .seconds(90)) { serial() == "38400 8N1 (found by auto)" }, "\(serial() ?? "nil")")
        // Tried in the profile's order: the pseudo-terminal's own 9600, then 4800, then the right one.
        #expect(receiver.speeds == [9600, 4800, 38400], "\(receiver.speeds)")
        // Said in the log, and in the device's row as the API writes it.
        #expect(log.text.contains("device gps-1: serial speed 38400 8N1 found by auto"), "\(log.text)")
        let row = try JSONEncoder().encode(try #require(sink.registry.status("gps-1")))
        #expect(String(decoding: row, as: UTF8.self).contains(#""serial":"38400 8N1 (found by auto)""#))
        var query = EventQuery()
        query.kind = EventKind.gpsFix
        query.limit = 1000
        func fixes() async -> [GPSFixPayload] {
            ((try? await store.events(query).events) ?? []).compactMap(\.gpsFix)
        }
        #expect(await eventually(timeout: .seconds(60)) { await fixes().count >= 10 })
        // Every stored fix is one the receiver wrote at its speed: nothing decoded from the noise.
        let written = receiver.fixes.map { $0.written.lat }
        let stored = await fixes()
        #expect(stored.allSatisfy { f in written.contains { abs($0 - f.lat) < 1e-9 } }, "\(stored.map(\.lat))")
        #expect(sink.registry.status("gps-1")?.state == .online)

        // The receiver is unplugged and another at the same speed appears at the path: the link is
        // reopened at the speed that worked, without hunting through 9600 and 4800 again.
        simulating.cancel()
        await simulating.value
        receiver.pty.close()
        #expect(await eventually { sink.registry.status("gps-1")?.link == .down })
        let again = try SpeedKeyedReceiver(baud: 38400)
        try again.pty.link(at: dir.path("gps"))
        let resumed = Task { await again.run() }
        #expect(await eventually(timeout: .seconds(60)) {
            sink.registry.status("gps-1")?.connects == 2 && serial() == "38400 8N1 (found by auto)"
        })
        #expect(!again.speeds.contains(4800), "\(again.speeds)")
        #expect(again.speeds.last == 38400)

        resumed.cancel()
        await resumed.value
        try await hub.stop()
        again.pty.close()
    }
}
