import Foundation
import HubAppTesting
import HubModel
import HubDrivers
import HubTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// GPS seals and trackers dialing in over TCP: the hub answers their handshakes and acknowledges
/// their data only once it is stored, and each unit's IMEI becomes its device id.
@Suite(.timeLimit(.minutes(3)))
struct TrackerLinkTests {
    static func hex(_ s: String) -> [UInt8] { Hex.decode(Array(s.utf8))! }

    @Test func gt06LoginIsAcknowledgedAndItsPositionsStored() async throws {
        let h = try await HubHarness(
            label: "gt06", devices: "  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\"}")
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        // Login (IMEI 864717003283581, serial 9): the unit waits for this ack before it reports.
        try unit.send(Self.hex("78780d01086471700328358100093f040d0a"))
        // Patient: a hub starting beside seventy busy suites answers late, and the answer ends the wait.
        let ack = try #require(await unit.receive(timeoutMs: 30_000))
        try #require(ack.count == 10)
        #expect(Array(ack.prefix(6)) == [0x78, 0x78, 0x05, 0x01, 0x00, 0x09])
        #expect(Array(ack.suffix(2)) == [0x0D, 0x0A])
        let crc = CRC16.x25(ack[2..<6])
        #expect(ack[6] == UInt8(crc >> 8) && ack[7] == UInt8(crc & 0xFF))
        // A position report (12.645423, 101.985858 in the corpus).
        try unit.send(Self.hex("78782912170316053b3bcf015b51220af1201105d56100000000000000000000869c0130010000000238d1af0d0a"))
        #expect(await eventually { (try? await h.events("kind=gps.fix").count) == 1 })
        let fix = try #require(try await h.events("kind=gps.fix").first)
        #expect((fix["device"] as? [String: Any])?["id"] as? String == "864717003283581")
        let data = try #require(fix["data"] as? [String: Any])
        #expect(abs((data["lat"] as? Double ?? 0) - 12.645423) < 1e-6)
        #expect(abs((data["lon"] as? Double ?? 0) - 101.985858) < 1e-6)
        try await h.stop()
    }

    @Test func teltonikaHandshakeAndRecordCountAck() async throws {
        let h = try await HubHarness(
            label: "teltonika", devices: "  - {id: fleet, profile: teltonika-fmb, listen: \"127.0.0.1:0\"}")
        #expect(await eventually { (try? await h.boundPort("fleet")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("fleet")))
        let imei = Array("356307042441013".utf8)
        try unit.send([0x00, UInt8(imei.count)] + imei)
        #expect(await unit.receive(timeoutMs: 30_000) == [0x01], "the hub accepts the unit")
        try unit.send(Self.hex("000000000000004c08010000016818d500580009c28d9f1cb3757a00be00c60f0053000f06f0011503c80001011d00fc0007423799180053cdf80dce426f430f88190bb8560bb802f100005aa110002887e000010000ee8d"))
        #expect(await unit.receive(timeoutMs: 30_000) == [0x00, 0x00, 0x00, 0x01], "one record acknowledged")
        let fixes = try await h.events("kind=gps.fix")
        #expect(fixes.count == 1, "stored before the ack")
        #expect((fixes.first?["device"] as? [String: Any])?["id"] as? String == "356307042441013")
        try await h.stop()
    }

    @Test func aUnitThatClosesRightAfterSendingLosesNothing() async throws {
        let h = try await HubHarness(
            label: "gt06-halfclose", devices: "  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\"}")
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("seals")))
        // Login and a position in one write, then the unit shuts its sending side at once.
        try unit.send(
            Self.hex("78780d01086471700328358100093f040d0a")
                + Self.hex("78782912170316053b3bcf015b51220af1201105d56100000000000000000000869c0130010000000238d1af0d0a"))
        shutdown(unit.fd, Int32(SHUT_WR))
        #expect(await eventually { (try? await h.events("kind=gps.fix").count) == 1 })
        let ack = await unit.receive(timeoutMs: 30_000)
        #expect(ack?.prefix(4) == [0x78, 0x78, 0x05, 0x01], "the login ack still reaches it")
        try await h.stop()
    }

    @Test func aUnitNotOnTheListIsRefused() async throws {
        let h = try await HubHarness(
            label: "teltonika-refuse",
            devices: "  - {id: fleet, profile: teltonika-fmb, listen: \"127.0.0.1:0\", units: [\"356307042441099\"]}")
        #expect(await eventually { (try? await h.boundPort("fleet")) ?? 0 > 0 })
        let unit = try LoopbackClient(port: try #require(try await h.boundPort("fleet")))
        let imei = Array("356307042441013".utf8)
        try unit.send([0x00, UInt8(imei.count)] + imei)
        #expect(await unit.receive(timeoutMs: 30_000) == [0x00], "the hub refuses the unit")
        try await h.stop()
    }
}
