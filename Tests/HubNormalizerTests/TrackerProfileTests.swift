import Foundation
import HubDevices
import HubDrivers
import HubIngest
import HubModel
import HubNormalizer
import HubTesting
import Testing

/// The GPS and seal profiles in DeviceProfiles/, each loaded as the hub loads it and fed what such a
/// device sends, through the same `FeedDecoder` the live hub runs.
struct TrackerProfileTests {
    static func decoder(profile model: String, id: String = "unit-1", utcOffsetSeconds: Int = 0) throws -> FeedDecoder {
        let catalog = try ProfileCatalog.load(
            directory: Corpus.repositoryFile("DeviceProfiles").path, knownProtocols: DriverCatalog.protocols)
        let profile = try #require(catalog.profiles[model])
        let device = DeviceInstance(
            id: id, profile: profile, site: "CATLAI-GATE3", lane: "2", port: nil, serial: profile.transport.serial,
            utcOffsetSeconds: utcOffsetSeconds)
        #expect(DriverOptions(device).maxFrameBytes == profile.framing.maxFrameBytes)
        return try #require(FeedDecoder(device: device, ids: EventIDGenerator()))
    }

    static func decode(_ decoder: inout FeedDecoder, _ chunks: [[UInt8]]) -> [InspectionEvent] {
        let at = Date(timeIntervalSince1970: 1_764_000_000)
        return chunks.flatMap { decoder.push($0[...], receivedAt: at).events } + decoder.finish(receivedAt: at).events
    }

    @Test func ubloxReceiverOverUSBSerial() throws {
        var d = try Self.decoder(profile: "ublox-nmea-usb")
        let events = Self.decode(&d, [try Corpus.bytes("nmea/ublox-lea-4s.log")])
        #expect(events.count == 9 && events.allSatisfy { $0.kind == "gps.fix" })
        #expect(events[0].device == DeviceRef(id: "unit-1", profile: "ublox-nmea-usb", family: "gps-receiver"))
        #expect(events[0].data["talker"] == "GP" && events[0].data["sentence"] == "RMC")
        #expect(events[0].observedAt == Timestamp.parse("2006-12-11T17:55:04Z"))
    }

    @Test func gt06ESealLogsInReportsAndRaisesAlarms() throws {
        var d = try Self.decoder(profile: "gt06-eseal", id: "gt06-listener", utcOffsetSeconds: 7 * 3600)
        let rows = try TrackerCorpus.rows("tracker/gt06-frames.jsonl")
        let login = try #require(rows.first { $0.imei == "864717003283581" }).bytes
        let located = try #require(rows.first { $0.lat == 12.645423 }).bytes
        // 0x26 alarm with code 0x03 (shock), Traccar's published sample.
        let shock = try #require(rows.first { $0.hex.hasPrefix("7878252612030c") }).bytes
        let events = Self.decode(&d, [login, located, shock])
        #expect(events.map(\.kind) == ["device.status", "gps.fix", "seal.status", "seal.status"])
        #expect(events.allSatisfy { $0.device.id == "864717003283581" && $0.device.family == "e-seal" })
        #expect(events[1].observedAt == Timestamp.parse("2023-03-21T22:59:59Z"), "05:59:59 at UTC+7")
        #expect(events[2].data["status"] == "shock" && events[2].severity == .warning)
        #expect(events[2].subject.seals == ["864717003283581"])
        #expect(d.takeReplies().count == 2, "login and alarm are acknowledged")
    }

    @Test func teltonikaTrackerHandshakeAndRecords() throws {
        var d = try Self.decoder(profile: "teltonika-fmb")
        let packet = try #require(try TrackerCorpus.rows("tracker/teltonika-codec8-frames.jsonl").first { $0.records?.count == 14 })
        let events = Self.decode(&d, [[0x00, 0x0F] + Array("356307042441013".utf8), packet.bytes])
        #expect(events.count == 15 && events.dropFirst().allSatisfy { $0.kind == "gps.fix" })
        #expect(events.allSatisfy { $0.device.id == "356307042441013" })
        #expect(events[1].data["lat"] == .double(40.9420533) && events[1].data["altitudeM"] == .double(13))
        #expect(events[1].observedAt == Timestamp.parse("2017-07-05T12:49:14Z"))
        #expect(d.takeReplies() == [[0x01], [0, 0, 0, 14]])
    }

    @Test func asciiESealReportsAndAcks() throws {
        var d = try Self.decoder(profile: "ascii-eseal", id: "eseal-listener")
        let feed = "##S,eSeal,VNSEAL-0042,17,CUT,20261125031500,10.762622,106.660172,64,E##\r\n"
        let events = Self.decode(&d, [Array(feed.utf8)])
        #expect(events.map(\.kind) == ["gps.fix", "seal.status"])
        #expect(events[1].data["status"] == "cut" && events[1].severity == .alarm)
        #expect(events.allSatisfy { $0.device.id == "VNSEAL-0042" && $0.subject.seals == ["VNSEAL-0042"] })
        #expect(d.takeReplies() == [Array("##A,eSeal,VNSEAL-0042,17,E##\r\n".utf8)])
    }
}
