import Foundation
import HubDevices
import HubDrivers
import HubModel
import HubTesting
import Testing

/// `gps.fix`, `seal.status`, `seal.tamper` and `device.status` typed: decoded from the NMEA corpus,
/// the GT06 and Teltonika captures and e-seal lines as the normalizer tests decode them, or read from
/// the JSON the hub has always stored; written back byte for byte; untyped when the JSON is not theirs.
struct TrackingPayloadTests {
    static let types: [String: any EventPayloadBody.Type] = [
        EventKind.gpsFix: GPSFixPayload.self, EventKind.sealStatus: SealStatusPayload.self,
        EventKind.deviceStatus: DeviceStatus.self,
    ]

    /// An event the hub stored, read back through `InspectionEvent`'s decoder (the store's edge).
    static func stored(_ kind: String, _ data: String) throws -> InspectionEvent {
        let line = """
            {"data":\(data),"device":{"family":"e-seal","id":"S-1","profile":"ascii-eseal"},\
            "id":"01JDZ8N4X8Q4R5S6T7V8W9X0YZ","kind":"\(kind)","lane":"1","observedAt":"2026-11-25T03:15:00.000Z",\
            "raw":{"format":"niihub-status","sha256":"\(String(repeating: "0", count: 64))"},\
            "receivedAt":"2026-11-25T03:15:00.120Z","schema":"niihub.event/1","severity":"warning","site":"gate-3",\
            "subject":{}}
            """
        let event = try JSONDecoder().decode(InspectionEvent.self, from: Data(line.utf8))
        #expect(try event.jsonLine() == line, "the stored line is the hub's own form")
        return event
    }

    @Test func everyDecodedPositionSealAndTrackerEventIsTypedAndExact() throws {
        let events = try GPSEventSchemaTests.allKinds()
        #expect(events.count > 100)
        for e in events { try PayloadRoundTrip.expectTypedAndExact(e, try #require(Self.types[e.kind])) }
        #expect(events.filter { $0.gpsFix != nil }.count == events.filter { $0.kind == EventKind.gpsFix }.count)
    }

    @Test func anNMEAFixCarriesItsSentenceTalkerAndRoundedSpeed() throws {
        let events = GPSEventSchemaTests.events("nmea", [try Corpus.bytes("nmea/bu353-glonass.log")])
        // $GNRMC,081411.000,A,5541.1955,N,03737.2872,E,0.60,301.29,260514,,,A*74
        let rmc = try #require(events.compactMap(\.gpsFix).first { $0.sentence == "RMC" })
        #expect(rmc.talker == "GN" && rmc.source == "RMC")
        #expect(abs(rmc.lat - (55 + 41.1955 / 60)) < 1e-9 && abs(rmc.lon - (37 + 37.2872 / 60)) < 1e-9)
        #expect(rmc.speedKmh == 1.111, "0.60 knots, rounded to 3 decimals when built")
        #expect(rmc.courseDeg == 301.29 && rmc.io == nil && rmc.priority == nil)
        // $GPGGA,081412.000,5541.1956,N,03737.2877,E,1,5,4.87,66.2,M,14.5,M,,*6A
        let gga = try #require(events.compactMap(\.gpsFix).first { $0.sentence == "GGA" })
        #expect(gga.talker == "GP" && gga.fixQuality == 1 && gga.satellites == 5 && gga.hdop == 4.87 && gga.altitudeM == 66.2)
    }

    @Test func aTeltonikaRecordCarriesItsIOElementsTyped() throws {
        let rows = try TrackerCorpus.rows("tracker/teltonika-codec8-frames.jsonl")
        let events = GPSEventSchemaTests.events("teltonika", [[0x00, 0x0F] + Array("356307042441013".utf8), rows[0].bytes])
        // The first record of the capture's first packet (codec 8 extended): priority 0, lon 0x015299f7,
        // lat 0x18b27804, altitude 24 m, angle 119°, 8 satellites, speed 0, event IO 0, then IO 239=1,
        // 240=0, 21=5, 200=0, 69=1 … as one-byte elements.
        let fix = try #require(events.compactMap(\.gpsFix).first)
        #expect(fix.lat == 41.4349316 && fix.lon == 2.2190583)
        #expect(fix.altitudeM == 24 && fix.courseDeg == 119 && fix.satellites == 8 && fix.speedKmh == 0)
        #expect(fix.priority == 0 && fix.eventIO == 0 && fix.sentence == nil && fix.talker == nil)
        let io = try #require(fix.io)
        #expect(io["239"] == .int(1) && io["240"] == .int(0) && io["21"] == .int(5) && io["69"] == .int(1))
        #expect(io["21"]?.unsigned == 5)
    }

    @Test func anIOValuePast2To53IsADecimalStringBothWays() throws {
        #expect(GPSFixPayload.IOValue(1 << 53 - 1) == .int(9_007_199_254_740_991))
        #expect(GPSFixPayload.IOValue(1 << 53) == .string("9007199254740992"))
        #expect(GPSFixPayload.IOValue(UInt64.max).unsigned == UInt64.max)
        let e = try Self.stored(
            EventKind.gpsFix, #"{"io":{"16":"18446744073709551615","239":1},"lat":54.6,"lon":25.3,"source":"teltonika-8"}"#)
        #expect(e.gpsFix?.io == ["16": .string("18446744073709551615"), "239": .int(1)])
        try PayloadRoundTrip.expectTypedAndExact(e, GPSFixPayload.self)
    }

    @Test func sealReportsAreTypedWithTheirPositionAndBattery() throws {
        let seals = try GPSEventSchemaTests.allKinds().filter { $0.kind == EventKind.sealStatus }
        #expect(seals.allSatisfy { $0.sealStatus != nil })
        // ##S,eSeal,S-1,5,CUT,20261125031500,-33.5,151.25,50,E##
        let cut = try #require(seals.compactMap(\.sealStatus).first { $0.deviceEvent == "CUT" })
        #expect(cut.status == .cut && cut.lat == -33.5 && cut.lon == 151.25 && cut.batteryPercent == 50)
        #expect(Set(seals.compactMap(\.sealStatus?.status)) == Set(SealStatus.Status.allCases))
    }

    @Test func aTrackerLoginIsATypedDeviceStatus() throws {
        let rows = try TrackerCorpus.rows("tracker/gt06-frames.jsonl")
        let login = try #require(rows.first { $0.imei == "864717003283581" }).bytes
        let e = try #require(GPSEventSchemaTests.events("gt06", [login]).first)
        #expect(e.kind == EventKind.deviceStatus && e.device.id == "864717003283581")
        let s = try #require(e.deviceStatus)
        #expect(s.status == .login && s.state == nil && s.link == nil)
        try PayloadRoundTrip.expectTypedAndExact(e, DeviceStatus.self)
    }

    /// The hub's own `device.status` (what `StatusEvents` has always written) reads typed and back exactly.
    @Test func theHubsDeviceStatusIsTypedAndExact() throws {
        let e = try Self.stored(
            EventKind.deviceStatus,
            #"{"faults":["HV","NBG"],"lastFrameAt":"2026-11-25T03:14:58.907Z","link":"down","previous":"faulted","reason":"link down: connection reset","state":"offline"}"#)
        let s = try #require(e.deviceStatus)
        #expect(s.state == .offline && s.previous == .faulted && s.link == .down && s.reason == "link down: connection reset")
        #expect(s.faults == ["HV", "NBG"] && s.lastFrameAt == Timestamp.parse("2026-11-25T03:14:58.907Z") && s.status == nil)
        try PayloadRoundTrip.expectTypedAndExact(e, DeviceStatus.self)
        let first = try Self.stored(EventKind.deviceStatus, #"{"link":"up","previous":"connecting","state":"online"}"#)
        #expect(first.deviceStatus == DeviceStatus(state: .online, previous: .connecting, link: .up))
    }

    @Test func aSealTamperIsTypedAndExact() throws {
        let e = try Self.stored(EventKind.sealTamper, #"{"status":"tampered","tamper":true}"#)
        #expect(e.tamper == TamperPayload(tampered: true))
        try PayloadRoundTrip.expectTypedAndExact(e, TamperPayload.self)
        let bare = try Self.stored(EventKind.sealTamper, #"{"tamper":false}"#)
        #expect(bare.tamper?.tampered == false && bare.tamper?.status == nil)
        try PayloadRoundTrip.expectTypedAndExact(bare, TamperPayload.self)
    }

    /// The registry folds a typed `seal.tamper` into the device's state, and its clearing back out.
    @Test func aSealTamperChangesTheDevicesState() throws {
        let catalog = try ProfileCatalog.load(
            directory: Corpus.repositoryFile("DeviceProfiles").path, knownProtocols: DriverCatalog.protocols)
        let device = DeviceInstance(
            id: "S-1", profile: try #require(catalog.profiles["ascii-eseal"]), site: "gate-3", lane: "1", port: nil, serial: nil)
        let registry = DeviceRegistry(devices: [device])
        #expect(registry.link("S-1", .up)?.to == .online)
        let tampered = try Self.stored(EventKind.sealTamper, #"{"status":"tampered","tamper":true}"#)
        let t = registry.observe([tampered], of: "S-1")
        #expect(t.map(\.to) == [.tampered] && t.first?.reason == "tamper reported by the device")
        let cleared = try Self.stored(EventKind.sealTamper, #"{"status":"tamper-cleared","tamper":false}"#)
        #expect(registry.observe([cleared], of: "S-1").map(\.to) == [.online])
    }

    @Test func dataThatIsNotTheKindsStaysUntypedAndExact() throws {
        let all = try GPSEventSchemaTests.allKinds()
        let fix = try #require(all.first { $0.kind == EventKind.gpsFix })
        try PayloadRoundTrip.expectUntyped(fix) { $0["colour"] = "red" }
        try PayloadRoundTrip.expectUntyped(fix) { $0["lat"] = "north" }
        try PayloadRoundTrip.expectUntyped(fix) { $0["satellites"] = 4.5 }
        try PayloadRoundTrip.expectUntyped(fix) { $0["io"] = .object(["1": .bool(true)]) }
        let seal = try #require(all.first { $0.kind == EventKind.sealStatus && $0.data["lat"] != nil })
        try PayloadRoundTrip.expectUntyped(seal) { $0["status"] = "ajar" }
        try PayloadRoundTrip.expectUntyped(seal) { $0["lon"] = nil }
        try PayloadRoundTrip.expectUntyped(seal) { $0["deviceEvent"] = nil }
        let tracker = try #require(all.first { $0.kind == EventKind.deviceStatus })
        try PayloadRoundTrip.expectUntyped(tracker) { $0["status"] = "asleep" }
        try PayloadRoundTrip.expectUntyped(tracker) { $0["gsmSignal"] = "strong" }
        // device.status as portal monitors wrote it before device.tamper existed: kept as it was.
        let oldTamper = try Self.stored(EventKind.deviceStatus, #"{"status":"tampered","tamper":true}"#)
        #expect(oldTamper.payload == .untyped(["status": "tampered", "tamper": true]))
        let hub = try Self.stored(EventKind.deviceStatus, #"{"link":"up","previous":"connecting","state":"online"}"#)
        try PayloadRoundTrip.expectUntyped(hub) { $0["state"] = "rebooting" }
        try PayloadRoundTrip.expectUntyped(hub) { $0["lastFrameAt"] = "yesterday" }
        try PayloadRoundTrip.expectUntyped(hub) { $0 = ["gammaCps": 12] }
    }
}
