import Foundation
import HubDrivers
import HubModel
import Testing

/// Teltonika's TCP exchange: the IMEI handshake and AVL packets, built from the protocol's layout.
struct TeltonikaDriverTests {
    static let handshake: [UInt8] = [0x00, 0x0F] + Array("356307042441013".utf8)

    /// A codec 8 packet with one record: 2019-01-04T12:27:19Z, 48.1523066 N 16.3745183 E, 190 m,
    /// course 198, 15 satellites, 83 km/h, IO 240 = 1 and 16 = 2656224.
    static var packet: [UInt8] {
        let record: [UInt8] = be(1_546_604_839_000, 8) + [0] + be(163_745_183, 4) + be(481_523_066, 4) + be(190, 2)
            + be(198, 2) + [15] + be(83, 2) + [240, 2, 1, 240, 1, 0, 1, 16] + be(2_656_224, 4) + [0]
        let data: [UInt8] = [0x08, 1] + record + [1]
        return [0, 0, 0, 0] + be(UInt64(data.count), 4) + data + be(UInt64(CRC16.arc(data)), 4)
    }

    static func be(_ v: UInt64, _ width: Int) -> [UInt8] { (0..<width).reversed().map { UInt8(v >> (8 * UInt64($0)) & 0xFF) } }

    @Test func handshakeThenDataIsAcceptedAndAcknowledged() throws {
        let r = DriverRun(TeltonikaDriver(), chunks: [Self.handshake[...], Self.packet[...]])
        #expect(r.replies == [[0x01], [0, 0, 0, 1]])
        #expect(r.statuses.first?.unitID == "356307042441013" && r.statuses.first?.event == .login)
        let f = try #require(r.fixes.first)
        #expect(f.lat == 48.1523066 && f.lon == 16.3745183 && f.altitudeM == 190 && f.courseDeg == 198)
        #expect(f.satellites == 15 && f.speedKmh == 83 && f.io == [240: 1, 16: 2_656_224] && f.eventIO == 240)
        #expect(f.observedAt == Timestamp.parse("2019-01-04T12:27:19Z"), "Teltonika times are UTC")
        #expect(f.unitID == "356307042441013")
    }

    @Test func unitOffTheAllowlistIsRefused() {
        var options = DriverOptions()
        options.allowedUnitIDs = ["000000000000001"]
        let r = DriverRun(TeltonikaDriver(options: options), chunks: [Self.handshake[...], Self.packet[...]])
        #expect(r.replies == [[0x00]])
        #expect(r.fixes.isEmpty && r.counters.rejected["refused"] == 1)
    }

    @Test func dataWithoutHandshakeStillDecodes() {
        let r = DriverRun(TeltonikaDriver(), bytes: Self.packet, chunk: 7)
        #expect(r.fixes.count == 1 && r.fixes[0].unitID == nil)
        #expect(r.replies == [[0, 0, 0, 1]])
    }

    @Test func badCRCIsNotAcknowledged() {
        var p = Self.packet
        p[20] ^= 0x40
        let r = DriverRun(TeltonikaDriver(), chunks: [p[...]])
        #expect(r.fixes.isEmpty && r.replies.isEmpty && r.counters.rejected["checksum"] == 1)
    }

    @Test func recordCountsThatDisagreeAreMalformed() {
        var data = Array(Self.packet[8..<(Self.packet.count - 4)])
        data[data.count - 1] = 2
        let p = [0, 0, 0, 0] + Self.be(UInt64(data.count), 4) + data + Self.be(UInt64(CRC16.arc(data)), 4)
        let r = DriverRun(TeltonikaDriver(), chunks: [p[...]])
        #expect(r.fixes.isEmpty && r.counters.rejected["malformed"] == 1)
    }
}
