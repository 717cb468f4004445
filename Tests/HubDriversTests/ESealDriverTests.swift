import Foundation
import HubDrivers
import HubModel
import Testing

/// The ASCII e-seal protocol (`##S,eSeal,…,E##`): each event, its ack, and what is not a report.
struct ESealDriverTests {
    static func report(_ event: String, seq: Int = 1, lat: String = "10.762622", lon: String = "106.660172", battery: String = "87") -> String {
        "##S,eSeal,VNSEAL-0042,\(seq),\(event),20261125031500,\(lat),\(lon),\(battery),E##\r\n"
    }

    @Test func everyEventMapsToItsSealStatus() {
        let expected: [(String, SealStatus.Status)] = [
            ("LOCK", .locked), ("UNLOCK", .unlocked), ("DOOR", .opened), ("SHOCK", .shock), ("DROP", .shock),
            ("CUT", .cut), ("TAMPER", .tampered), ("LOWBAT", .lowBattery),
        ]
        let feed = expected.enumerated().map { Self.report($1.0, seq: $0) }.joined()
        let r = DriverRun(ESealDriver(), bytes: Array(feed.utf8), chunk: 9)
        #expect(r.seals.map(\.status) == expected.map(\.1))
        #expect(r.seals.allSatisfy { $0.sealID == "VNSEAL-0042" && $0.unitID == "VNSEAL-0042" && $0.batteryPercent == 87 })
        #expect(r.seals.first?.observedAt == Timestamp.parse("2026-11-25T03:15:00Z"))
        #expect(r.fixes.count == expected.count, "each report with a position is also a fix")
        #expect(r.fixes.first?.lat == 10.762622 && r.fixes.first?.sealID == "VNSEAL-0042")
        #expect(r.replies.map { String(decoding: $0, as: UTF8.self) } == expected.indices.map { "##A,eSeal,VNSEAL-0042,\($0),E##\r\n" })
        #expect(r.counters.rejectedTotal == 0)
    }

    @Test func positionReportsAndHeartbeats() {
        let feed = Self.report("POS") + Self.report("HB", lat: "", lon: "")
        let r = DriverRun(ESealDriver(), bytes: Array(feed.utf8))
        #expect(r.seals.isEmpty && r.fixes.count == 1)
        #expect(r.statuses.first?.event == .heartbeat && r.statuses.first?.batteryPercent == 87)
        #expect(r.replies.count == 2)
    }

    @Test func malformedReportsAreCountedAndNotAcknowledged() {
        let feed = [
            "##S,eSeal,VNSEAL-0042,1,LOCK,20261125031500,10.7,,87,E##",  // one coordinate only
            "##S,eSeal,VNSEAL-0042,1,LOCK,20261325031500,,,87,E##",  // month 13
            "##S,eSeal,VN SEAL,1,LOCK,20261125031500,,,87,E##",  // a space in the id
            "##S,eSeal,VNSEAL-0042,1,LOCK,20261125031500,,,187,E##",  // battery over 100
            "##S,eSeal,VNSEAL-0042,1,LOCK,E##",  // fields missing
        ].joined(separator: "\r\n")
        let r = DriverRun(ESealDriver(), bytes: Array(feed.utf8))
        #expect(r.readings.isEmpty && r.replies.isEmpty)
        #expect(r.counters.rejected["malformed"] == 5)
    }

    @Test func aFragmentDoesNotSwallowTheNextReport() {
        let feed = "##S,eSeal,VNSEAL-0042,1,LO" + Self.report("DOOR", seq: 2)
        let r = DriverRun(ESealDriver(), bytes: Array(feed.utf8), chunk: 4)
        #expect(r.seals.map(\.status) == [.opened])
        #expect(r.counters.rejected["garbage"] == 1)
    }

    @Test func unknownEventWordIsCountedButAcknowledged() {
        let r = DriverRun(ESealDriver(), bytes: Array(Self.report("WAKEUP").utf8))
        #expect(r.counters.unknownCodes["WAKEUP"] == 1 && r.seals.isEmpty && r.replies.count == 1)
    }

    @Test func deviceLocalTimeAppliesTheOffset() {
        var options = DriverOptions()
        options.utcOffsetSeconds = 7 * 3600
        let r = DriverRun(ESealDriver(options: options), bytes: Array(Self.report("LOCK").utf8))
        #expect(r.seals.first?.observedAt == Timestamp.parse("2026-11-24T20:15:00Z"))
    }
}

/// Whatever a TCP peer sends, the e-seal driver counts it, archives it and stays bounded.
@Suite(.timeLimit(.minutes(3)))
struct ESealRobustnessTests {
    static func make() -> ESealDriver { ESealDriver() }
    static let report = Array(ESealDriverTests.report("DOOR").utf8)

    @Test func mutatedReportsNeverCrashAndAddUp() {
        let reports = (0..<200).map { Array(ESealDriverTests.report("CUT", seq: $0).utf8) }
        for seed in 1...10 as ClosedRange<UInt64> {
            let mutated = DriverTorture.mutated(reports, seed: seed)
            let r = DriverRun(Self.make(), chunks: mutated.map { $0[...] })
            #expect(DriverTorture.consistent(r, inputBytes: mutated.reduce(0) { $0 + $1.count }))
            #expect(r.seals.count <= 200)
        }
    }

    @Test func truncationAtEveryOffset() {
        for (n, r) in DriverTorture.truncations(Self.report, Self.make).enumerated() {
            #expect(DriverTorture.consistent(r, inputBytes: n))
            // The report ends at `E##`; its CR LF is not needed.
            #expect(r.seals.count == (n >= Self.report.count - 2 ? 1 : 0), "prefix of \(n) bytes")
        }
    }
}
