import Foundation
import HubDrivers
import HubIngest
import HubModel
@testable import HubServer
import HubTesting
import Testing

/// The live feed writes its event frames with `EventJSONWriter` instead of `JSONEncoder` (the frame is
/// on an alarm's way to the screens): they must stay the bytes `JSONEncoder` writes for
/// `LiveFeed.Frame`, which the console reads. (A frame that never comes would leave the subscriber's
/// read waiting: the time limit turns that into a failure.)
@Suite(.timeLimit(.minutes(1)))
struct LiveFeedFrameTests {
    /// Every event the real captures of two portal-monitor families make, alarms among them.
    static func corpusEvents() throws -> [InspectionEvent] {
        var out: [InspectionEvent] = []
        for (protocolName, folder, extensions) in [("rpm", "rpm", ["csv"]), ("n42", "n42", ["n42", "N42", "xml"])] {
            for file in try Corpus.files(in: folder, extensions: Set(extensions)) {
                let context = DeviceContext(
                    device: DeviceRef(id: "rpm-\"1\"/a", profile: protocolName, family: DriverCatalog.family(of: protocolName)!),
                    site: "gate/3", lane: "2")
                var decoder = try #require(FeedDecoder(protocolName: protocolName, context: context, ids: EventIDGenerator()))
                out += decoder.push(try Corpus.bytes(folder + "/" + file.lastPathComponent)[...], receivedAt: Date()).events
                out += decoder.finish(receivedAt: Date()).events
            }
        }
        return out
    }

    static func encoded(_ e: InspectionEvent) throws -> String {
        String(decoding: try JSONResponse.encoder.encode(LiveFeed.Frame(type: "event", event: e)), as: UTF8.self)
    }

    @Test func eventFramesAreTheBytesJSONEncoderWrites() throws {
        let events = try Self.corpusEvents()
        #expect(events.count > 100)
        for e in events {
            let expected = try Self.encoded(e)
            #expect(LiveFeed.eventFrame(e) == expected, "\(e.kind)")
            if LiveFeed.eventFrame(e) != expected { return }
        }
    }

    @Test func aSubscriberGetsAFrameForEachAlarmAndOccupancyPublished() async throws {
        let events = try Self.corpusEvents()
        let wanted = events.filter(LiveFeed.wanted)
        #expect(wanted.contains { $0.kind == "radiation.alarm" } && wanted.count < events.count)
        let feed = LiveFeed()
        let (id, frames) = feed.subscribe()
        var reader = frames.makeAsyncIterator()
        var got: [String] = []
        // Fewer than a subscriber's buffer at a time, each read before the next, so none is dropped.
        for part in stride(from: 0, to: events.count, by: 100) {
            let batch = Array(events[part..<min(part + 100, events.count)])
            feed.publish(batch)
            for _ in batch.filter(LiveFeed.wanted) {
                if let frame = await reader.next() { got.append(frame) }
            }
        }
        feed.unsubscribe(id)
        #expect(await reader.next() == nil)
        let expected = try wanted.map(Self.encoded)
        #expect(got.count == expected.count)
        // The first frame that differs, not the whole feed, if any does.
        let differs = zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(differs == nil, "frame \(differs?.offset ?? 0): \(differs?.element.0 ?? "")")
    }
}
