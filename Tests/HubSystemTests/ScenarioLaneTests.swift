import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What `niisim run` writes for queued trucks, read off the wire (loopback TCP listeners standing in
/// for the hub's portal and camera ports) and compared with its `--trace`: the portal is one lane
/// resource — one vehicle at a time, in order, empty-lane lines between vehicles — and each camera
/// read falls after the truck ahead entered the portal and before its own truck does.
@Suite(.timeLimit(.minutes(2)))
struct ScenarioLaneTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory("scenario-lane") }

    /// Four trucks: 10 s in the portal; a gamma alarm and 20 s standing inside; a missed plate; a
    /// plate read twice. The second, third and fourth come sooner than the portal frees up.
    static let queue = """
        devices:
          rpm: {tcp: "127.0.0.1:9"}
          ocr: {tcp: "127.0.0.1:9"}
        timeline:
          - {at: 2s, truck: {containers: [CSQU3054383], plate: 51C-111.11, occupancyS: 10}}
          - {at: 8s, truck: {containers: [MSKU6011672], plate: 51D-222.22, gammaAlarm: true, occupancyS: 6, stopInPortalS: 20}}
          - {at: 14s, truck: {containers: [TCNU7200794], plate: 29H-333.33, missed: [plate]}}
          - {at: 15s, truck: {containers: [CSQU3054383], plate: 51C-444.44, doubleRead: true}}
        """

    struct Written {
        var t: Double
        var truck: Int?
        var text: String
    }

    @Test func queuedTrucksCrossThePortalOneAtATimeAndAreReadBeforeTheirOwnOccupancy() async throws {
        let portal = try LoopbackServer(), camera = try LoopbackServer()
        let trace = dir.path("queue.trace")
        let run = try await SimulatorRun.run(
            ["run", try dir.write("queue.yaml", Self.queue), "--hub", "http://127.0.0.1:9", "--token", "x", "--speed", "20",
             "--trace", trace, "--device", "rpm=127.0.0.1:\(portal.port)", "--device", "ocr=127.0.0.1:\(camera.port)"], in: dir)
        #expect(run.status == 0, "\(run.err)")
        // The run is over and its sockets closed: what they sent waits in the kernel.
        let rpmWire = try await Self.received(portal), ocrWire = try await Self.received(camera)
        let meant = try SimulatorRun.trace(trace).map {
            ($0["device"] as? String ?? "", Written(t: ($0["t"] as? NSNumber)?.doubleValue ?? -1, truck: ($0["truck"] as? NSNumber)?.intValue,
                                                   text: $0["line"] as? String ?? "\($0["kind"] ?? "")=\($0["text"] ?? "")"))
        }
        let lines = meant.filter { $0.0 == "rpm" }.map(\.1), reads = meant.filter { $0.0 == "ocr" }.map(\.1)

        // The wire holds exactly what the trace says, in its order.
        let wireLines = rpmWire.split(separator: "\r\n").map(String.init)
        #expect(wireLines == lines.map(\.text))
        let wireReads = ocrWire.split(separator: "\r\n").compactMap { l -> String? in
            guard case .success(let r) = OCRLine.parse(Array(l.utf8)[...]) else { return nil }
            return "\(r.reading.kind == .plate ? "plate" : "container")=\(r.reading.text)"
        }
        #expect(wireReads == reads.map(\.text))

        // Background, truck 1, background, truck 2, …: each vehicle's lines in one run, never interleaved.
        var runs: [(truck: Int?, lines: [Written])] = []
        for l in lines {
            if let last = runs.last, last.truck == l.truck { runs[runs.count - 1].lines.append(l) } else { runs.append((l.truck, [l])) }
        }
        try #require(runs.map(\.truck) == [nil, 1, nil, 2, nil, 3, nil, 4])
        for r in runs where r.truck == nil {
            let codes = Set(r.lines.map { String($0.text.prefix(2)) })
            #expect(codes == ["GB", "NB"], "the portal sees an empty lane between vehicles: \(codes)")
        }
        let vehicles = runs.filter { $0.truck != nil }.map(\.lines)
        var entries: [Double] = [], exits: [Double] = []
        for (k, v) in vehicles.enumerated() {
            #expect(v.last?.text.hasPrefix("GX,") == true && v.filter { $0.text.hasPrefix("GX,") }.count == 1)
            #expect(v.last.flatMap { RapiscanLine.parse(Array($0.text.utf8)[...])?.fields.first } == RapiscanLine.countField(k + 1))
            #expect(v.allSatisfy { !["GB", "NB"].contains(String($0.text.prefix(2))) })
            entries.append(v.first?.t ?? -1)
            exits.append(v.last?.t ?? -1)
        }
        for k in 1..<exits.count { #expect(entries[k] >= exits[k - 1] + 1, "truck \(k + 1) enters after truck \(k) left") }
        #expect(abs(exits[0] - entries[0] - 10) < 1e-9)
        // Standing 20 s in the portal: 26 s of occupancy, its gamma samples going on five a second.
        #expect(abs(exits[1] - entries[1] - 26) < 1e-9)
        #expect(vehicles[1].filter { ["GS", "GA"].contains(String($0.text.prefix(2))) }.count >= 129)
        let alarmed = lines.filter { $0.text.hasPrefix("GA,") }
        #expect(!alarmed.isEmpty && alarmed.allSatisfy { $0.truck == 2 })

        // Each read after the truck ahead entered the portal and before its own truck enters it.
        for r in reads {
            let k = try #require(r.truck) - 1
            if k > 0 { #expect(r.t > entries[k - 1], "\(r.text) of truck \(k + 1)") }
            #expect(r.t < entries[k], "\(r.text) of truck \(k + 1)")
        }
        // Truck 2 reaches the camera while truck 1 is still in the portal: the queue the issue is about.
        #expect(reads.contains { $0.truck == 2 && $0.t < exits[0] })
        #expect(reads.filter { $0.truck == 3 }.map(\.text) == ["container=TCNU7200794"])
        #expect(reads.filter { $0.truck == 4 }.map(\.text) == ["container=CSQU3054383", "plate=51C-444.44", "plate=51C-444.44"])
    }

    @Test func aTruckOptionThatCannotBePlayedIsRefusedBeforeTheRun() async throws {
        for (option, message) in [("missed: [trailer]", "got 'trailer'"), ("occupancyS: 0", "occupancyS must be above 0"),
                                  ("stopInPortalS: -1", "stopInPortalS must be 0 to 600")] {
            let text = Self.queue.replacingOccurrences(of: "occupancyS: 10", with: option)
            let run = try await SimulatorRun.run(
                ["run", try dir.write("bad.yaml", text), "--hub", "http://127.0.0.1:9", "--token", "x"], in: dir)
            #expect(run.status != 0)
            #expect(run.err.contains(message), "\(run.err)")
        }
    }

    /// Everything the one connection to `server` carried, up to its close.
    static func received(_ server: LoopbackServer) async throws -> String {
        let fd = try #require(await server.accept())
        defer { close(fd) }
        var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 0) > 0 else {
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
