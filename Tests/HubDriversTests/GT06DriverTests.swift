import Foundation
import HubDrivers
import HubModel
import Testing

/// GT06/Concox frames built from the protocol's layout, with their acks.
struct GT06DriverTests {
    /// A `78 78` frame around `proto` and `content` with serial and a correct CRC.
    static func frame(_ proto: UInt8, _ content: [UInt8], serial: UInt16 = 1) -> [UInt8] {
        var body: [UInt8] = [UInt8(5 + content.count), proto] + content + [UInt8(serial >> 8), UInt8(serial & 0xFF)]
        let crc = CRC16.x25(body)
        body += [UInt8(crc >> 8), UInt8(crc & 0xFF)]
        return [0x78, 0x78] + body + [0x0D, 0x0A]
    }

    static let login = frame(0x01, [0x08, 0x64, 0x71, 0x70, 0x03, 0x28, 0x35, 0x81], serial: 9)

    /// 2024-05-06 07:08:09 local, 12 satellites, 10°N 20°W, 36 km/h, course 90, positioned.
    static let gpsBlock: [UInt8] = [24, 5, 6, 7, 8, 9, 0xCC] + be32(18_000_000) + be32(36_000_000) + [36]
        + be16(0x1000 | 0x0400 | 0x0800 | 90)

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }

    static func alarm(_ code: UInt8, info: UInt8 = 0x41) -> [UInt8] {
        frame(0x16, gpsBlock + [0x09, 0x01, 0xCC, 0x00, 0x26, 0x6A, 0x00, 0x1E, 0x17] + [info, 0x05, 0x04, code, 0x02], serial: 7)
    }

    @Test func crcCheckValues() {
        #expect(CRC16.x25(Array("123456789".utf8)) == 0x906E)
        #expect(CRC16.arc(Array("123456789".utf8)) == 0xBB3D)
    }

    @Test func loginIsAcknowledgedWithTheUnitsSerial() throws {
        let r = DriverRun(GT06Driver(), chunks: [Self.login[...]])
        #expect(r.statuses.first?.unitID == "864717003283581" && r.statuses.first?.event == .login)
        // 78 78 05 01 00 09 + CRC-16/X-25 over 05 01 00 09 + 0D 0A
        let expected: [UInt8] = [0x78, 0x78, 0x05, 0x01, 0x00, 0x09] + Self.be16(CRC16.x25([0x05, 0x01, 0x00, 0x09])) + [0x0D, 0x0A]
        #expect(r.replies == [expected])
    }

    @Test func locationUsesTheDeviceTimeZoneAndHemisphereBits() throws {
        var options = DriverOptions()
        options.utcOffsetSeconds = 7 * 3600
        let r = DriverRun(GT06Driver(options: options), chunks: [Self.login[...], Self.frame(0x12, Self.gpsBlock + [1, 0xCC, 0, 0, 1, 0, 0, 1])[...]])
        let f = try #require(r.fixes.first)
        #expect(f.lat == 10 && f.lon == -20 && f.speedKmh == 36 && f.courseDeg == 90 && f.satellites == 12)
        #expect(f.observedAt == Timestamp.parse("2024-05-06T00:08:09Z"), "07:08:09 at UTC+7")
        #expect(f.unitID == "864717003283581")
        #expect(r.replies.count == 1, "locations are not acknowledged")
    }

    @Test func unpositionedLocationIsNoFix() {
        var block = Self.gpsBlock
        block[16] &= ~0x10  // clear bit 12 of the course/status word
        let r = DriverRun(GT06Driver(), chunks: [Self.frame(0x12, block)[...]])
        #expect(r.fixes.isEmpty && r.counters.rejectedTotal == 0)
    }

    @Test func alarmsBecomeSealStatusesAndAreAcknowledged() throws {
        let cases: [(UInt8, SealStatus.Status)] = [(0x03, .shock), (0x14, .opened), (0x13, .tampered), (0x19, .lowBattery)]
        for (code, status) in cases {
            let r = DriverRun(GT06Driver(), chunks: [Self.login[...], Self.alarm(code)[...]])
            let alarm = try #require(r.seals.first { $0.status != .locked })
            #expect(alarm.status == status && alarm.sealID == "864717003283581" && alarm.lat == 10)
            #expect(r.fixes.count == 1)
            #expect(r.replies.count == 2 && r.replies[1][3] == 0x16 && r.replies[1][5] == 7)
        }
    }

    @Test func sosIsATrackerAlarmNotASealStatus() {
        let r = DriverRun(GT06Driver(), chunks: [Self.alarm(0x01, info: 0x00)[...]])
        #expect(r.statuses.contains { $0.event == .alarm && $0.alarm == "sos" })
        #expect(r.seals.map(\.status) == [.unlocked])
    }

    @Test func armedBitChangesAreLockAndUnlock() {
        let hb = { (info: UInt8, serial: UInt16) in Self.frame(0x13, [info, 0x06, 0x04, 0x00, 0x02], serial: serial)[...] }
        let r = DriverRun(GT06Driver(), chunks: [hb(0x01, 1), hb(0x01, 2), hb(0x00, 3), hb(0x45, 4)])
        #expect(r.seals.map(\.status) == [.locked, .unlocked, .locked])
        #expect(r.statuses.filter { $0.event == .heartbeat }.count == 4)
        #expect(r.statuses.last?.charging == true && r.statuses.last?.batteryLevel == 6)
        #expect(r.replies.count == 4 && r.replies.allSatisfy { $0[3] == 0x13 })
    }

    @Test func badCRCIsCountedAndGivesNothing() {
        var f = Self.frame(0x12, Self.gpsBlock)
        f[10] ^= 0x01
        let r = DriverRun(GT06Driver(), chunks: [f[...]])
        #expect(r.readings.isEmpty && r.replies.isEmpty)
        #expect(r.counters.rejected["checksum"] == 1)
    }

    @Test func refusedUnitIsNotAcknowledgedNorDecoded() {
        var options = DriverOptions()
        options.allowedUnitIDs = ["123456789012345"]
        let r = DriverRun(GT06Driver(options: options), chunks: [Self.login[...], Self.frame(0x12, Self.gpsBlock)[...]])
        #expect(r.replies.isEmpty && r.fixes.isEmpty)
        #expect(r.statuses.first?.accepted == false)
        #expect(r.counters.rejected["refused"] == 1)
    }

    @Test func framesSplitAcrossReadsAndNoiseBetweenThem() {
        let stream = [0x00, 0x0D, 0x0A, 0x78] + Self.login + [0x55, 0x78, 0x78, 0xFF] + Self.frame(0x12, Self.gpsBlock)
        let r = DriverRun(GT06Driver(), bytes: stream, chunk: 3)
        #expect(r.fixes.count == 1 && r.statuses.count == 1)
        #expect(r.archivedBytes == stream.count)
        #expect(r.counters.rejected["garbage"] ?? 0 >= 1)
    }

    @Test func longFramesWithTwoByteLength() {
        // A 79 79 frame of an info packet (0x94) that the driver counts but does not interpret.
        var body: [UInt8] = [0x00, 0x08, 0x94, 0x0B, 0x01, 0x0A, 0x00, 0x05]
        let crc = CRC16.x25(body)
        body += Self.be16(crc)
        let r = DriverRun(GT06Driver(), chunks: [([0x79, 0x79] + body + [0x0D, 0x0A])[...]])
        #expect(r.counters.unknownCodes["0x94"] == 1 && r.counters.rejectedTotal == 0)
    }
}
