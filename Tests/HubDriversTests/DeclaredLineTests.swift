import Foundation
import HubDrivers
import HubModel
import Testing

/// The profile-described line parser: CSV, key=value and JSON lines read into typed values under a
/// schema, then into a trace reading by the schema's event mapping; bad lines rejected and counted.
struct DeclaredLineTests {
    /// The shipped ion-mobility detector's shape (DeviceProfiles/ims-trace-detector.yaml).
    static let csv: LineSchema = {
        // The standard line's mapping, without seal and lane, and with a second alarm word.
        var event = DeclaredLineDriver.standardSchema.event
        event.alarmValues = ["ALARM", "ALERT"]
        event.seals = nil
        event.lane = nil
        return LineSchema(
            format: .csv, prefix: "IMS,",
            fields: [
                .init(name: "time", type: .time, required: true), .init(name: "serial", type: .text),
                .init(name: "result", type: .text, required: true), .init(name: "substance", type: .text),
                .init(name: "channel", type: .text), .init(name: "amplitude", type: .integer, unit: "du"),
                .init(name: "container", type: .text), .init(name: "plate", type: .text),
            ],
            event: event)
    }()

    private func trace(_ line: String, _ schema: LineSchema, offset: Int = 0) -> Result<TraceReading, DeclaredLine.Problem> {
        DeclaredLine.parse(Array(line.utf8)[...], schema: schema, utcOffsetSeconds: offset).map { r in
            if case .trace(let t) = r { return t }
            preconditionFailure("not a trace reading: \(r)")
        }
    }

    @Test func aCSVAlarmLineWithEveryField() throws {
        let r = try trace("IMS,2026-01-31T08:15:02Z,SN40411,ALARM,TNT,EXP-,412,CSQU3054383,51C-123.45", Self.csv).get()
        #expect(r.alarm)
        #expect(r.observedAt == Timestamp.parse("2026-01-31T08:15:02Z"))
        #expect(r.substance == "TNT" && r.channel == "EXP-")
        #expect(r.amplitude == 412 && r.amplitudeUnit == "du")
        #expect(r.containers == ["CSQU3054383"] && r.plates == ["51C-123.45"])
    }

    @Test func aClearLineWithTrailingFieldsLeftOffAndLocalTime() throws {
        // A clear swab names no substance; the detector's clock is 7 hours east of UTC.
        let r = try trace("IMS,2026-01-31T15:16:40,SN40411,clear,,NARC+,12", Self.csv, offset: 7 * 3600).get()
        #expect(!r.alarm && r.substance == nil && r.channel == "NARC+" && r.amplitude == 12)
        #expect(r.observedAt == Timestamp.parse("2026-01-31T08:16:40Z"))
        #expect(r.containers.isEmpty && r.plates.isEmpty)
        // Any of the alarm words, in any case.
        #expect(try trace("IMS,2026-01-31T08:15:02Z,,alert,Heroin,NARC+,300", Self.csv).get().alarm)
    }

    @Test func badCSVLinesSayWhatIsWrong() {
        #expect(trace("RPM,1,2,3", Self.csv) == .failure(.garbage), "another device's line")
        #expect(trace("IMS,\u{1}\u{2}", Self.csv) == .failure(.garbage), "control bytes")
        #expect(trace("IMS,2026-01-31T08:15:02Z", Self.csv) == .failure(.malformed("field count 1")))
        #expect(trace("IMS,2026-01-31T08:15:02Z,SN,ALARM,TNT,EXP-,412,CSQU3054383,51C,extra", Self.csv) == .failure(.malformed("field count 9")))
        #expect(trace("IMS,yesterday,SN,ALARM,TNT,EXP-,412", Self.csv) == .failure(.malformed("time")))
        #expect(trace("IMS,2026-01-31T08:15:02Z,SN,ALARM,TNT,EXP-,4.5", Self.csv) == .failure(.malformed("amplitude")), "an integer field")
        #expect(trace("IMS,2026-01-31T08:15:02Z,SN,,TNT,EXP-,412", Self.csv) == .failure(.malformed("result")), "a required field empty")
    }

    @Test func keyValueLinesInAnyOrderWithScaleAndEpochTime() throws {
        var event = LineSchema.EventMapping(kind: .trace, alarm: "alarm")
        event.time = "t"
        event.substance = "sub"
        event.amplitude = "amp"
        event.seals = "seal"
        let schema = LineSchema(
            format: .keyValue, delimiter: ";", separator: ":",
            fields: [
                .init(name: "t", type: .time, timeFormat: .epochMilliseconds), .init(name: "alarm", type: .boolean, required: true),
                .init(name: "sub", type: .text), .init(name: "amp", type: .number, unit: "V", scale: 0.001),
                .init(name: "seal", type: .text),
            ],
            event: event)
        let r = try trace("amp:2500; alarm:YES; seal:VN123456; t:1769847302000; firmware:2.1", schema).get()
        #expect(r.alarm && r.amplitude == 2.5 && r.amplitudeUnit == "V")
        #expect(r.observedAt == Date(timeIntervalSince1970: 1_769_847_302))
        #expect(r.seals == ["VN123456"] && r.substance == nil)
        #expect(try trace("alarm:no", schema).get().alarm == false)
        #expect(trace("alarm:maybe", schema) == .failure(.malformed("alarm")), "a boolean word the field does not know")
        #expect(trace("alarm:1;alarm:0", schema) == .failure(.malformed("repeated alarm")))
        #expect(trace("alarm:1;junk", schema) == .failure(.malformed("pair 'junk'")))
        #expect(trace("amp:3", schema) == .failure(.malformed("alarm")), "the required alarm is missing")
    }

    @Test func jsonLinesWithNumbersBooleansAndNulls() throws {
        var event = LineSchema.EventMapping(kind: .trace, alarm: "alarm")
        event.time = "ts"
        event.substance = "substance"
        event.channel = "mode"
        event.amplitude = "peak"
        event.containers = "container"
        event.lane = "lane"
        let schema = LineSchema(
            format: .json,
            fields: [
                .init(name: "ts", type: .time, timeFormat: .epochSeconds), .init(name: "alarm", type: .boolean, required: true),
                .init(name: "substance", type: .text), .init(name: "mode", type: .text), .init(name: "peak", type: .number, unit: "du"),
                .init(name: "container", type: .text), .init(name: "lane", type: .integer),
            ],
            event: event)
        let line = #"{"ts": 1769847302.5, "alarm": true, "substance": "Cocaine", "mode": 2, "peak": 733.25, "container": null, "lane": 3, "x": [1]}"#
        let r = try trace(line, schema).get()
        #expect(r.alarm && r.substance == "Cocaine" && r.channel == "2" && r.amplitude == 733.25)
        #expect(r.observedAt == Date(timeIntervalSince1970: 1_769_847_302.5))
        #expect(r.containers.isEmpty && r.lane == "3")
        #expect(trace(#"["alarm", true]"#, schema) == .failure(.malformed("JSON object")))
        #expect(trace(#"{"alarm": "true"#, schema) == .failure(.malformed("JSON object")), "cut short")
        #expect(trace(#"{"alarm": {"on": true}}"#, schema) == .failure(.malformed("alarm")))
        #expect(trace(#"{"alarm": false, "peak": "high"}"#, schema) == .failure(.malformed("peak")))
    }

    /// What the simulator writes is what the parser reads, in all three formats.
    @Test func encodedLinesReadBack() throws {
        let values = ["time": "2026-01-31T08:15:02Z", "result": "ALARM", "substance": "RDX", "channel": "EXP-", "amplitude": "640", "container": "MSCU1234566"]
        let line = DeclaredLineEncoder.encode(values, schema: Self.csv)
        #expect(String(decoding: line, as: UTF8.self) == "IMS,2026-01-31T08:15:02Z,,ALARM,RDX,EXP-,640,MSCU1234566\r\n")
        var standard = values
        standard["lane"] = "2"
        for format in LineSchema.Format.allCases {
            var schema = DeclaredLineDriver.standardSchema
            schema.format = format
            schema.prefix = format == .json ? "" : schema.prefix
            let bytes = DeclaredLineEncoder.encode(standard, schema: schema)
            #expect(bytes.suffix(2) == [13, 10])
            let r = try trace(String(decoding: bytes.dropLast(2), as: UTF8.self), schema).get()
            #expect(r.alarm && r.substance == "RDX" && r.amplitude == 640 && r.containers == ["MSCU1234566"] && r.lane == "2", "\(format)")
        }
    }

    /// The driver archives every line, turns good ones into readings and counts the bad ones by why.
    @Test func theDriverCountsBadLinesAndKeepsGoing() {
        var options = DriverOptions()
        options.lineSchema = Self.csv
        options.maxFrameBytes = 128
        let input = [
            "IMS,2026-01-31T08:15:02Z,SN1,ALARM,TNT,EXP-,412,CSQU3054383\r\n",
            "\u{7}\u{2}noise\r\n",
            // Trailing optional fields left off: still a reading.
            "IMS,2026-01-31T08:15:09Z,SN1,ALARM,TNT\r\n",
            "IMS,not-a-time,SN1,CLEAR\r\n",
            "IMS," + String(repeating: "x", count: 200) + "\r\n",
            "IMS,2026-01-31T08:16:00Z,SN1,CLEAR,,NARC+,3",
        ].joined()
        let run = DriverRun(DeclaredLineDriver(options: options), Array(input.utf8), chunk: 7)
        #expect(run.frames.count == 6, "every line archived")
        #expect(run.readings.count == 3)
        #expect(run.counters.readings == 3)
        #expect(run.counters.rejected == ["garbage": 1, "malformed": 1, "overlong": 1])
        let traces = run.readings.compactMap { if case .trace(let t) = $0 { t } else { nil } }
        #expect(traces.map(\.alarm) == [true, true, false])
    }

    /// Without a profile's schema the driver reads the hub's standard trace line.
    @Test func theStandardLineNeedsNoProfile() {
        let run = DriverRun(
            DeclaredLineDriver(),
            Array("TRACE,time=2026-01-31T08:15:02Z,result=ALARM,substance=TNT,channel=EXP-,amplitude=412,plate=51C-123.45\r\nTRACE,result=CLEAR\r\n".utf8))
        #expect(run.counters.readings == 2 && run.counters.rejectedTotal == 0)
        guard case .trace(let t)? = run.readings.first else {
            Issue.record("no trace reading")
            return
        }
        #expect(t.amplitudeUnit == "du" && t.plates == ["51C-123.45"])
    }
}
