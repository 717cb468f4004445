import Foundation
import HubDelivery
import HubModel
import HubSite
import HubTesting
import Testing

/// An event told in words from the console's own catalogs: a trace detector's finding (substance,
/// channel, amplitude) is in the message, in the recipient's language.
struct NotificationTextTests {
    static let catalog = MessageCatalog(folder: Corpus.packageRoot.appendingPathComponent("Assets/console"))

    static func traceAlarm(_ data: [String: JSONValue]) -> InspectionEvent {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        return InspectionEvent(
            id: "01TESTTRACE", kind: EventKind.traceAlarm, device: DeviceRef(id: "ims-lane1", profile: "ims-trace-detector", family: "trace-detector"),
            site: "gate", lane: "1", observedAt: at, receivedAt: at, data: data, severity: .alarm,
            raw: RawRef(sha256: String(repeating: "a", count: 64), format: "declarative-line"))
    }

    @Test func aTraceAlarmSaysItsSubstanceChannelAndAmplitude() {
        let e = Self.traceAlarm(["substance": .string("TNT"), "channel": .string("EXP-"), "amplitude": .double(412), "amplitudeUnit": .string("du")])
        let utc = TimeZone(identifier: "UTC")!
        let en = NotificationText(event: e, rule: "r", minutes: nil, language: "en", catalog: Self.catalog, zone: utc)
        #expect(en.subject == "Trace alarm: lane 1, gate")
        let lines = en.body.split(separator: "\n").map(String.init)
        #expect(lines.prefix(2) == ["What: Trace alarm (alarm)", "Substance: TNT, channel EXP-, amplitude 412 du"], "\(lines)")
        let vi = NotificationText(event: e, rule: "r", minutes: 5, language: "vi", catalog: Self.catalog, zone: utc)
        #expect(vi.subject == "Chưa được xác nhận sau 5 phút: Báo động phát hiện vết: làn 1, gate")
        #expect(vi.body.contains("\nChất phát hiện: TNT, kênh EXP-, biên độ 412 du\n"), "\(vi.body)")
    }

    @Test func anEventWithoutASubstanceHasNoSuchLine() {
        let e = Self.traceAlarm(["amplitude": .int(30)])
        let en = NotificationText(event: e, rule: "r", minutes: nil, language: "en", catalog: Self.catalog, zone: TimeZone(identifier: "UTC")!)
        #expect(!en.body.contains("Substance"))
    }
}
