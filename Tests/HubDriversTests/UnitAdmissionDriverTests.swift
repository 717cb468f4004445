import Foundation
import HubDrivers
import HubModel
import Testing

/// The drivers' side of unit admission: a quarantined unit is answered as if admitted but gives no
/// readings (every frame counted), a denied unit is refused even where any unit would do, and data
/// sent before a login does not slip past a list.
struct UnitAdmissionDriverTests {
    static func quarantine(_ listed: Set<String> = ["000000000000001"]) -> DriverOptions {
        var o = DriverOptions()
        o.allowedUnitIDs = listed
        o.quarantineUnknownUnits = true
        return o
    }

    @Test func theVerdictFollowsListDenialAndPolicy() {
        var o = DriverOptions()
        #expect(o.admission(of: "1") == .admitted && o.admitsUnnamedUnits)
        o.deniedUnitIDs = ["1"]
        #expect(o.admission(of: "1") == .refused && o.admission(of: "2") == .admitted && !o.admitsUnnamedUnits)
        o.allowedUnitIDs = ["1", "2"]
        #expect(o.admission(of: "1") == .refused && o.admission(of: "2") == .admitted && o.admission(of: "3") == .refused)
        o.quarantineUnknownUnits = true
        #expect(o.admission(of: "3") == .quarantined && o.admission(of: "1") == .refused)
    }

    @Test func aQuarantinedGT06UnitIsAckedButGivesNoReadings() {
        let login = GT06DriverTests.login
        let position = GT06DriverTests.frame(0x12, GT06DriverTests.gpsBlock)
        let heartbeat = GT06Encoder.heartbeat(armed: true, serial: 10)
        let r = DriverRun(GT06Driver(options: Self.quarantine()), chunks: [login[...], position[...], heartbeat[...]])
        #expect(r.readings.isEmpty)
        #expect(r.replies.map { Array($0.prefix(4)) } == [[0x78, 0x78, 0x05, 0x01], [0x78, 0x78, 0x05, 0x13]])
        #expect(r.counters.rejected["quarantined"] == 3 && r.counters.frames == 3)
        #expect(r.archivedBytes == login.count + position.count + heartbeat.count, "every byte is archived")
        #expect(r.unit == UnitLogin(id: "864717003283581", verdict: .quarantined))
    }

    @Test func gt06DataBeforeALoginIsRefusedUnderAList() {
        let position = GT06DriverTests.frame(0x12, GT06DriverTests.gpsBlock)
        let r = DriverRun(GT06Driver(options: Self.quarantine()), chunks: [position[...]])
        #expect(r.fixes.isEmpty && r.counters.rejected["refused"] == 1 && r.unit == nil)
        #expect(DriverRun(GT06Driver(), chunks: [position[...]]).fixes.count == 1, "without a list it decodes")
    }

    @Test func aQuarantinedTeltonikaUnitIsAcceptedAndAckedWithoutReadings() {
        let r = DriverRun(
            TeltonikaDriver(options: Self.quarantine()),
            chunks: [TeltonikaDriverTests.handshake[...], TeltonikaDriverTests.packet[...]])
        #expect(r.readings.isEmpty)
        #expect(r.replies == [[0x01], [0x00, 0x00, 0x00, 0x01]])
        #expect(r.counters.rejected["quarantined"] == 2)
        #expect(r.unit == UnitLogin(id: "356307042441013", verdict: .quarantined))
        var denied = Self.quarantine()
        denied.deniedUnitIDs = ["356307042441013"]
        let refused = DriverRun(
            TeltonikaDriver(options: denied), chunks: [TeltonikaDriverTests.handshake[...], TeltonikaDriverTests.packet[...]])
        #expect(refused.replies == [[0x00]] && refused.unit?.verdict == .refused)
    }

    @Test func aQuarantinedSealIsAckedWithoutReadings() {
        let feed = ESealDriverTests.report("CUT")
        let r = DriverRun(ESealDriver(options: Self.quarantine()), Array(feed.utf8))
        #expect(r.readings.isEmpty && r.replies.count == 1 && r.counters.rejected["quarantined"] == 1)
        #expect(r.unit == UnitLogin(id: "VNSEAL-0042", verdict: .quarantined))
        var known = DriverOptions()
        known.allowedUnitIDs = ["VNSEAL-0001"]
        let refused = DriverRun(ESealDriver(options: known), Array(feed.utf8))
        #expect(refused.readings.isEmpty && refused.replies.isEmpty && refused.unit?.verdict == .refused)
    }
}
