import Foundation
import HubDevices
import HubDrivers
import HubIngest
import HubModel
import HubTesting
import Testing

/// The repository's profiles for the new families, each driving a matching feed end to end.
struct DeviceProfileFeedTests {
    static func decoder(_ model: String, lane: String? = "1") throws -> FeedDecoder {
        let catalog = try ProfileCatalog.load(
            directory: Corpus.repositoryFile("DeviceProfiles").path, knownProtocols: DriverCatalog.protocols)
        let profile = try #require(catalog.profiles[model])
        let device = DeviceInstance(id: "\(model)-1", profile: profile, site: "gate-3", lane: lane, port: nil, serial: nil)
        #expect(DriverOptions(device).maxFrameBytes == profile.framing.maxFrameBytes)
        return try #require(FeedDecoder(device: device, ids: EventIDGenerator()))
    }

    static func run(_ decoder: inout FeedDecoder, _ bytes: [UInt8]) -> [InspectionEvent] {
        decoder.push(bytes[...], receivedAt: Date()).events + decoder.finish(receivedAt: Date()).events
    }

    @Test func anN42InstrumentFileDecodesThroughItsProfile() throws {
        var d = try Self.decoder("n42-instrument")
        let events = Self.run(&d, try Corpus.bytes("n42/SGM200615_SearchMode_1.xml"))
        #expect(events.map(\.kind) == ["radiation.measurement", "radiation.alarm"])
        #expect(events.allSatisfy { $0.device == DeviceRef(id: "n42-instrument-1", profile: "n42-instrument", family: "radiation-instrument") })
    }

    @Test func aScanResultDecodesThroughItsProfile() throws {
        var d = try Self.decoder("container-scanner")
        let events = Self.run(&d, Array(ScanSamples.suspect.utf8))
        #expect(events.map(\.kind) == ["scan.result"])
        #expect(events[0].lane == "1", "the configured lane wins over the document's")
        #expect(events[0].device.family == "container-scanner")
    }

    @Test func anOCRCameraFeedDecodesThroughItsProfile() throws {
        var d = try Self.decoder("gate-ocr-camera", lane: nil)
        let events = Self.run(&d, Array("OCR,7,2026-01-31T08:15:02Z,CONTAINER,CSQU3054383,97,rear\r\n".utf8))
        #expect(events.map(\.kind) == ["ocr.read"])
        #expect(events[0].lane == "7" && events[0].subject.containers == ["CSQU3054383"])
        #expect(d.counters.rejectedTotal == 0)
    }
}
