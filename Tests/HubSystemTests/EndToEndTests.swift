import Foundation
import HubApp
import HubAppTesting
import HubDevices
import HubSite
import HubModel
import HubServer
import HubStore
import HubTesting
import Testing

/// Corpus bytes written into a pseudo-terminal, read by the hub as a serial device, decoded,
/// stored, and read back over HTTP.
@Suite(.timeLimit(.minutes(2)))
struct EndToEndTests {
    @Test func aGammaAlarmFeedOverSerialReachesTheAPI() async throws {
        let h = try await HubHarness(label: "e2e")
        let pty = try PseudoTerminal()
        try pty.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })

        let lines = try RapiscanFeed.deviceLines("rpm/S2-C3-NORM2.csv")
        try await pty.play(lines[...])
        let arrived = await eventually(timeout: .seconds(30)) {
            (try? await h.events("kind=radiation.occupancy&limit=100").count) == 25
        }
        #expect(arrived)
        let occupancies = try await h.events("kind=radiation.occupancy&limit=100")
        let data = occupancies.compactMap { $0["data"] as? [String: Any] }
        #expect(data.count == 25)
        #expect(data.allSatisfy { $0["gammaAlarm"] as? Bool == true && $0["neutronAlarm"] as? Bool == false })
        #expect(data.map { $0["occupancyNumber"] as? Int } == (109...133).map { $0 })
        #expect(occupancies.allSatisfy { $0["site"] as? String == "e2e-gate" && $0["lane"] as? String == "1" })
        #expect(try await h.events("kind=radiation.alarm&limit=100").count == 25)

        // The occupancy's raw record holds the lines it came from, ending with its GX.
        let sha = try #require((occupancies[0]["raw"] as? [String: Any])?["sha256"] as? String)
        let raw = try await h.get("/api/v1/raw/\(sha)")
        #expect(raw.status == 200)
        let text = try #require(raw.json["text"] as? String)
        #expect(text.hasSuffix("GX,000109,006383,000000,000000\r\n"))
        #expect(text.contains("GA,"))

        // Counters: every line seen, unknown codes kept and counted, nothing rejected.
        let device = try await h.device("rpm-lane1")
        let counters = try #require(device["counters"] as? [String: Any])
        #expect(counters["frames"] as? Int == 13_857)
        #expect((counters["unknownCodes"] as? [String: Int])?.values.reduce(0, +) == 10_750)
        #expect((counters["rejected"] as? [String: Int])?.isEmpty == true)
        #expect(device["state"] as? String == "online")

        let lanes = try await h.get("/api/v1/lanes").json["lanes"] as? [[String: Any]]
        #expect(lanes?.first?["occupancies"] as? Int == 25)
        #expect(lanes?.first?["alarms"] as? Int == 25)
        let health = try await h.get("/healthz")
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "ok")
        try await h.stop()
        pty.close()

        // After shutdown, the archive holds every byte the device sent: the segments add up to the
        // feed, and the only extra bytes are the lines each vehicle's start and early alarm event
        // point at (each vehicle here opens with an NS line, so no alarm shares its start's record).
        let store = try SQLiteEventStore(path: h.hub.config.storePath)
        func rawBytes(of kind: String) async throws -> Int {
            var q = EventQuery()
            q.kind = kind
            var n = 0
            for e in try await store.events(q).events {
                n += try await store.rawRecords(sha256: e.raw.sha256).first?.bytes.count ?? 0
            }
            return n
        }
        let startBytes = try await rawBytes(of: "radiation.occupancy-start")
        let alarmBytes = try await rawBytes(of: "radiation.alarm")
        // The hub's own statements of state changes (online, offline at stop) are archived too.
        let statusBytes = try await rawBytes(of: "device.status")
        // And the passages the hub assembled from the occupancies.
        let passageBytes = try await rawBytes(of: "gate.passage")
        #expect(startBytes > 25 * 20)
        #expect(alarmBytes > 25 * 20)
        #expect(statusBytes > 0)
        #expect(passageBytes > 0)
        #expect(
            try await store.counts().rawBytes
                == lines.reduce(0) { $0 + $1.count } + startBytes + alarmBytes + statusBytes + passageBytes)
    }

    @Test func theHubSurvivesThePortVanishingAndComingBack() async throws {
        let h = try await HubHarness(label: "replug")
        let lines = try RapiscanFeed.deviceLines("rpm/S2-C0-NONE.csv")
        let gx = lines.indices.filter { lines[$0].starts(with: Array("GX,".utf8)) }

        let first = try PseudoTerminal()
        try first.link(at: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "online" })
        try await first.play(lines[...gx[4]])
        #expect(await eventually(timeout: .seconds(20)) {
            (try? await h.events("kind=radiation.occupancy").count) == 5
        })

        // Unplugged: the port fails under the hub, and its name disappears.
        first.close()
        try FileManager.default.removeItem(atPath: h.devicePath)
        #expect(await eventually { (try? await h.device("rpm-lane1")["state"] as? String) == "offline" })
        // The hub tries to reopen the port and says why it cannot: once that failure is its last
        // error, a reopen attempt has happened, and it must not have brought the device online.
        #expect(await eventually {
            (try? await h.device("rpm-lane1")["lastError"] as? String)?.contains(": open: ") == true
        }, "a reopen attempt failed")
        #expect(try await h.device("rpm-lane1")["state"] as? String != "online")

        // Plugged back in (a new terminal behind the same name): the hub reopens it by itself.
        let second = try PseudoTerminal()
        try second.link(at: h.devicePath)
        #expect(await eventually(timeout: .seconds(15)) {
            let d = try? await h.device("rpm-lane1")
            return d?["state"] as? String == "online" && d?["connects"] as? Int == 2
        })
        try await second.play(lines[(gx[4] + 1)...gx[9]])
        #expect(await eventually(timeout: .seconds(20)) {
            (try? await h.events("kind=radiation.occupancy").count) == 10
        })
        let numbers = try await h.events("kind=radiation.occupancy").compactMap {
            ($0["data"] as? [String: Any])?["occupancyNumber"] as? Int
        }
        #expect(numbers == Array(numbers.sorted()))
        #expect(Set(numbers).count == 10)
        try await h.stop()
        second.close()
    }
}
