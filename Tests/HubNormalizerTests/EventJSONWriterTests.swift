import Foundation
import HubDrivers
import HubIngest
import HubModel
import HubTesting
import Testing

/// `jsonLine()` is written by hand for speed; it must stay byte for byte what `JSONEncoder` with
/// sorted keys writes, which is the form the store keeps and `niihub decode` prints.
struct EventJSONWriterTests {
    static let reference: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func expectSameAsEncoder(_ events: [InspectionEvent], _ label: String) throws {
        for e in events {
            let expected = String(decoding: try reference.encode(e), as: UTF8.self)
            let written = try e.jsonLine()
            #expect(written == expected, "\(label): \(e.kind)")
            if written != expected { return }
        }
    }

    static func decode(_ protocolName: String, _ files: [URL]) throws -> [InspectionEvent] {
        var out: [InspectionEvent] = []
        for f in files {
            let context = DeviceContext(
                device: DeviceRef(id: "dev-\"1\"", profile: protocolName, family: DriverCatalog.family(of: protocolName)!),
                site: "gate/3", lane: "2")
            var decoder = FeedDecoder(protocolName: protocolName, context: context, ids: EventIDGenerator())!
            var bad = 0
            let bytes = try [UInt8](Data(contentsOf: f))
            let chunks: [ArraySlice<UInt8>] = DriverCatalog.entry(protocolName)!.capture == .bytes ? [bytes[...]]
                : Self.hexFrames(bytes, bad: &bad)
            for c in chunks { out += decoder.push(c, receivedAt: Date()).events }
            out += decoder.finish(receivedAt: Date()).events
        }
        return out
    }

    static func hexFrames(_ bytes: [UInt8], bad: inout Int) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 10).compactMap { line in
            guard let text = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let hex = text["hex"] as? String, let frame = Hex.decode(Array(hex.utf8))
            else { bad += 1; return nil }
            return frame[...]
        }
    }

    @Test func everyCorpusFamilyEncodesAsJSONEncoderDoes() throws {
        let cases: [(String, [URL])] = [
            ("rpm", try Corpus.files(in: "rpm", extensions: ["csv"])),
            ("nmea", try Corpus.files(in: "nmea", extensions: ["log"])),
            ("n42", try Corpus.files(in: "n42", extensions: ["n42", "N42", "xml"])),
            ("gt06", [Corpus.url("tracker/gt06-frames.jsonl")]),
            ("teltonika", [Corpus.url("tracker/teltonika-codec8-frames.jsonl")]),
        ]
        for (p, files) in cases {
            let events = try Self.decode(p, files)
            #expect(events.count > 10, "\(p) decoded")
            try Self.expectSameAsEncoder(events, p)
        }
    }

    @Test func escapesNumbersAndNestingMatchTheEncoder() throws {
        let awkward = "quote \" backslash \\ slash / controls \u{01}\u{08}\u{0C}\n\r\t\u{1F} del \u{7F} é 中 \u{2028} 🚛"
        let data: [String: JSONValue] = [
            "b": .double(0.1), "a": .double(1e-7), "B": .double(1e16), "aZ": .double(-0.0), "ab": .double(100),
            "detector10": .int(-42), "detector2": .double(.nan), "inf": .double(.infinity), "big": .double(1e21),
            "tiny": .double(5e-324), "exact": .double(123456789012.25), "null": .null, "yes": true, "no": false,
            "text": .string(awkward), "é": 1, "Z": 2,
            "list": .array([1, .double(2.5), "x", .null, .array([]), .object([:])]),
            "nested": .object(["z": .object(["y": .array([.object(["k\u{00}": "v"])])]), "A": "a"]),
        ]
        let bare = InspectionEvent(
            id: "01JX", kind: "test.kind", device: DeviceRef(id: awkward, profile: "p", family: "f"), site: nil, lane: nil,
            observedAt: Date(timeIntervalSince1970: 1_790_000_000.123), receivedAt: Date(timeIntervalSince1970: -1.5),
            data: [:], severity: .info, raw: RawRef(sha256: "ab", format: "x"))
        var full = bare
        full.site = awkward
        full.lane = "7"
        full.data = data
        full.severity = .alarm
        full.subject = Subject(containers: ["CSQU3054383", awkward], seals: [], plates: ["51C12345"], ucr: "U/1", declaration: "D")
        var partial = full
        partial.subject = Subject(seals: ["S1"])
        try Self.expectSameAsEncoder([bare, full, partial], "hand-made")
    }
}
