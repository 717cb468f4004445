import ArgumentParser
import Foundation
import HubSimulation

/// `niisim queue`: a seeded random queue of trucks (`LaneTraffic`) played through lane 1 of the
/// shipped one-lane site (`Simulators/Scenarios/site.yaml`) over the real device protocols, then
/// the hub's passages graded against the queue's ground truth (`AttributionCheck`).
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Play a random queue of trucks through lane 1 against a hub; check who got which read, scan and alarm.",
        discussion: """
            Devices (override with --device NAME=ADDRESS): rpm on the pseudo-terminal link rpm-lane1, \
            ocr on 127.0.0.1:47011 (one camera 8 m before the portal reading plates and containers), \
            scanner into the folder scanner-inbox (30 m after the portal). Device clocks are the wall \
            clock plus each device's skew; the portal is stamped by the hub. At --speed above 1 the \
            hub sees trucks that many times faster, which can break the lane physics the hub assumes \
            (maxSpeedKmh). Scan results arrive at most 90 s after the scan. Exits 1 on any read or scan \
            the hub put silently on another truck, an alarm off its truck, or a truck without a passage.
            """)

    @Option(name: .long, help: "Trucks in the queue (at most 300).") var trucks: Int = 10
    @Option(name: .long, help: "The queue's seed.") var seed: UInt64 = 1
    @Option(name: .long, help: "The hub's base URL (loopback only).") var hub: String
    @Option(name: .long, help: "An API bearer token.") var token: String
    @Option(name: .long, help: "Pace: 1 is real time.") var speed: Double = 1
    @Option(name: .long, help: "A device elsewhere: rpm=PATH, ocr=HOST:PORT, scanner=FOLDER.") var device: [String] = []
    @Option(name: .long, help: "Seconds to wait for the hub's passages after the last truck.") var settle: Double = 60

    func validate() throws {
        guard (1...300).contains(trucks) else { throw ValidationError("--trucks must be 1 to 300") }
        guard speed > 0 else { throw ValidationError("--speed must be above 0") }
        guard let url = URL(string: hub), let host = url.host else { throw ValidationError("--hub must be a URL like http://127.0.0.1:47010") }
        try Loopback.require(host)
        for d in device where d.firstIndex(of: "=") == nil { throw ValidationError("--device wants NAME=ADDRESS, got '\(d)'") }
    }

    func run() async throws {
        var addresses = ["rpm": "rpm-lane1", "ocr": "127.0.0.1:47011", "scanner": "scanner-inbox"]
        for d in device {
            let eq = d.firstIndex(of: "=")!
            let name = String(d[..<eq])
            guard addresses[name] != nil else { throw ValidationError("--device: no device '\(name)' (rpm, ocr, scanner)") }
            addresses[name] = String(d[d.index(after: eq)...])
        }
        let lane = LaneDevices(
            lane: "1", portal: "rpm-lane1",
            cameras: [.init(id: "ocr-lane1", atM: -8, readsPlate: true, readsContainers: true)], scanner: "scanner-lane1")
        var plan = QueuePlan.random(trucks: trucks, seed: seed, lanes: [lane])
        for i in plan.trucks.indices {
            if let delay = plan.trucks[i].scan?.delayS { plan.trucks[i].scan?.delayS = min(delay, 90) }
        }
        let world = LaneTraffic(plan: plan, lanes: [lane])
        let client = HubClient(base: URL(string: hub)!, token: token)
        let player = try QueuePlayer(world: world, addresses: addresses, speed: speed, seed: seed)
        try await player.waitOnline(client, device: lane.portal, timeoutS: 30)
        let started = Date()
        try await player.play()
        let outcome = try await QueueCheck(client: client, world: world, written: player.written, since: started.addingTimeInterval(-5))
            .settle(timeoutS: settle)
        player.close()
        print(outcome.report)
        if !outcome.sound { throw ExitCode(1) }
    }
}
