import Foundation
import HubModel
import Testing

/// Checks shared by the payload tests of the lane's devices: a decoded event is typed and its JSON
/// survives the store (`jsonLine` → decode → `jsonLine`) and `init(json:)` → `json` byte for byte;
/// a `data` its type does not know stays untyped and is written back as it came.
enum PayloadRoundTrip {
    /// `event` is typed and writes the same bytes after every way back.
    static func expectTypedAndExact(_ event: InspectionEvent, _ type: any EventPayloadBody.Type) throws {
        if case .untyped = event.payload { Issue.record("\(event.kind) \(event.id) stayed untyped: \(event.data)") }
        let line = try event.jsonLine()
        // Back from the store's bytes.
        let stored = try JSONDecoder().decode(InspectionEvent.self, from: Data(line.utf8))
        if case .untyped = stored.payload { Issue.record("\(event.kind) \(event.id) untyped after the store") }
        #expect(try stored.jsonLine() == line)
        // Through the type's own reader and writer.
        var rebuilt = event
        rebuilt.payload = try type.init(json: event.data).payload
        #expect(try rebuilt.jsonLine() == line)
        #expect(line == String(decoding: try encoder.encode(event), as: UTF8.self), "the writer agrees with JSONEncoder")
    }

    /// `data` changed by `change` stays untyped, and writes back exactly what it holds.
    static func expectUntyped(_ event: InspectionEvent, _ change: (inout [String: JSONValue]) -> Void) throws {
        var data = event.data
        change(&data)
        var changed = event
        changed.data = data
        guard case .untyped(let kept) = changed.payload else {
            Issue.record("\(event.kind): \(data) read as typed")
            return
        }
        #expect(kept == data)
        let line = try changed.jsonLine()
        #expect(line == String(decoding: try encoder.encode(changed), as: UTF8.self))
        let stored = try JSONDecoder().decode(InspectionEvent.self, from: Data(line.utf8))
        #expect(try stored.jsonLine() == line, "byte-identical after the store")
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
