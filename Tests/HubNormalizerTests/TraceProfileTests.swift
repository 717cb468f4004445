import Foundation
import HubDevices
import HubDrivers
import HubIngest
import HubModel
import HubTesting
import Testing

/// The shipped ion-mobility detector profile: its `line:` section is read and checked field by
/// field, its lines become `trace.alarm` / `trace.clear` events that match the published schema,
/// and a profile with a bad field is refused naming the file, line and field.
struct TraceProfileTests {
    static func shipped() throws -> DeviceProfile {
        let catalog = try ProfileCatalog.load(
            directory: Corpus.repositoryFile("DeviceProfiles").path, knownProtocols: DriverCatalog.protocols)
        return try #require(catalog.profiles["ims-trace-detector"])
    }

    @Test func theShippedDetectorsLinesBecomeTraceEvents() throws {
        let profile = try Self.shipped()
        #expect(profile.family == "trace-detector" && profile.protocol == LineSchema.protocolName)
        let schema = try #require(profile.line)
        #expect(schema.format == .csv && schema.prefix == "IMS," && schema.fields.count == 8)
        #expect(schema.field("amplitude")?.unit == "du")

        var options = DriverOptions()
        options.lineSchema = schema
        let context = DeviceContext(
            device: DeviceRef(id: "ims-1", profile: profile.model, family: profile.family), site: "gate-3", lane: "2")
        var decoder = try #require(FeedDecoder(protocolName: profile.protocol, context: context, options: options, ids: EventIDGenerator()))
        let feed = """
            IMS,2026-01-31T08:15:02Z,SN40411,ALARM,TNT,EXP-,412,CSQU 305438 3,51C-123.45\r
            IMS,2026-01-31T08:16:40Z,SN40411,CLEAR,,NARC+,12,MSCU1234567,\r
            IMS,garbled\r
            IMS,2026-01-31T08:17:00Z,SN40411,CLEAR,,EXP-,3\r

            """
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let events = decoder.push(Array(feed.utf8)[...], receivedAt: at).events + decoder.finish(receivedAt: at).events
        #expect(decoder.counters.rejected == ["malformed": 1])
        #expect(events.map(\.kind) == [EventKind.traceAlarm, EventKind.traceClear, EventKind.traceClear])
        let alarm = try #require(events.first)
        #expect(alarm.severity == .alarm)
        #expect(alarm.observedAt == Timestamp.parse("2026-01-31T08:15:02Z"))
        #expect(alarm.subject.containers == ["CSQU3054383"] && alarm.subject.plates == ["51C12345"])
        #expect(alarm.traceResult == TraceResultPayload(substance: "TNT", channel: "EXP-", amplitude: 412, amplitudeUnit: "du"))
        #expect(alarm.device.family == "trace-detector" && alarm.lane == "2")
        // A container that fails its check digit is not put in the subject, and a person should look.
        #expect(events[1].subject.containers == nil && events[1].severity == .warning)
        #expect(events[2].severity == .info && events[2].traceResult?.substance == nil)
        // Written as JSON, they match the published event schema.
        let result = try EventSchemaTests.validate(try events.map { try $0.jsonLine() })
        #expect(result.status == 0, "\(result.report)")
        // And the stored JSON reads back into the same typed payload.
        let back = try JSONDecoder().decode(InspectionEvent.self, from: Data(try alarm.jsonLine().utf8))
        #expect(back.traceResult == alarm.traceResult)
    }

    /// A profile whose `line:` section has one bad field (its third, on line 13), and what the
    /// refusal must say after the file and line.
    static let badFields: [(yaml: String, says: String)] = [
        ("    - {name: amplitude, type: float}", "line.fields[2].type: expected one of: text, integer, number, boolean, time; got 'float'"),
        ("    - {name: amplitude, type: number, colour: red}", "line.fields[2].colour: unknown field; expected one of:"),
        ("    - {name: result, type: number}", "line.fields[2].name: field 'result' is named twice"),
        ("    - {name: amplitude, type: text, format: epoch-s}", "line.fields[2].format: only time fields have a format"),
        ("    - {name: amplitude, type: text, unit: du}", "line.fields[2].unit: only number and integer fields have a unit or scale"),
        ("    - {name: amp litude, type: number}", "line.fields[2].name: expected letters, digits"),
    ]

    static func profile(third field: String, event: String = "    data: {amplitude: amplitude}") -> String {
        """
        model: bad
        name: A detector with a bad line section
        family: trace-detector
        protocol: declarative-line
        transport:
          kind: tcp
        line:
          format: csv
          delimiter: ","
          fields:
            - {name: time, type: time}
            - {name: result, type: text, required: true}
        \(field)
          event:
            kind: trace
            time: time
            alarm: result
            alarmValues: [ALARM]
        \(event)

        """
    }

    @Test(arguments: 0..<badFields.count)
    func aBadFieldIsNamedWithItsFileLineAndField(_ n: Int) throws {
        let (field, says) = Self.badFields[n]
        let message = try Self.refusal(Self.profile(third: field))
        #expect(message.hasPrefix("bad.yaml:13:"), "\(message)")
        #expect(message.contains(": " + says), "\(message)")
    }

    @Test func theEventMappingMustNameFieldsOfTheRightType() throws {
        let amplitude = "    - {name: amplitude, type: number, unit: du}"
        let unknown = try Self.refusal(Self.profile(third: amplitude, event: "    data: {amplitude: peak}"))
        #expect(unknown.hasPrefix("bad.yaml:19:"), "\(unknown)")
        #expect(unknown.contains("line.event.data.amplitude: expected one of the line's fields (time, result, amplitude), got 'peak'"), "\(unknown)")
        let wrongType = try Self.refusal(Self.profile(third: amplitude, event: "    data: {substance: result, amplitude: result}"))
        #expect(wrongType.contains("line.event.data.amplitude: field 'result' is text; the amplitude must be a number or integer field"), "\(wrongType)")
        let noWords = try Self.refusal(Self.profile(third: amplitude).replacingOccurrences(of: "    alarmValues: [ALARM]\n", with: ""))
        #expect(noWords.contains("line.event.alarmValues: required when the alarm field 'result' is text"), "\(noWords)")
        let badDelimiter = try Self.refusal(Self.profile(third: amplitude).replacingOccurrences(of: "delimiter: \",\"", with: "delimiter: \"::\""))
        #expect(badDelimiter.hasPrefix("bad.yaml:9:") && badDelimiter.contains("line.delimiter: expected one character"), "\(badDelimiter)")
        // A line section on a profile of another protocol.
        let other = try Self.refusal(
            Self.profile(third: amplitude).replacingOccurrences(of: "protocol: declarative-line", with: "protocol: ocr")
                .replacingOccurrences(of: "family: trace-detector", with: "family: gate-ocr"))
        #expect(other.contains("line: only a profile of protocol 'declarative-line' describes its lines"), "\(other)")
        // The good one loads.
        #expect(try Self.refusal(Self.profile(third: amplitude)) == "loaded")
    }

    /// The error loading `yaml` as `profiles/bad.yaml` gives, as an operator reads it.
    static func refusal(_ yaml: String) throws -> String {
        let dir = try TemporaryDirectory("profile")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        _ = try dir.write("profiles/bad.yaml", yaml)
        do {
            _ = try ProfileCatalog.load(directory: dir.path("profiles"), knownProtocols: DriverCatalog.protocols)
            return "loaded"
        } catch let e as ConfigError {
            return "\((e.file as NSString).lastPathComponent)\(e.line.map { ":\($0)" } ?? "")\(e.column.map { ":\($0)" } ?? ""): \(e.field): \(e.message)"
        }
    }
}
