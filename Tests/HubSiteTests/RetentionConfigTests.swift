import Foundation
import HubDevices
import HubSite
import HubModel
import HubTesting
import Testing

/// The site file's `retention:` section: ages per kind, and errors that name file, line and field.
struct RetentionConfigTests {
    static func load(_ retention: String) throws -> Result<SiteConfig, ConfigError> {
        let dir = try TemporaryDirectory("retention-config")
        try FileManager.default.createDirectory(atPath: dir.path("profiles"), withIntermediateDirectories: true)
        let path = try dir.write("site.yaml", "site: gate-3\nhttp:\n  port: 0\n" + retention)
        do {
            return .success(try SiteConfig.load(path: path, profilesDir: dir.path("profiles")))
        } catch let e as ConfigError {
            return .failure(e)
        }
    }

    @Test func agesPerKindAndFamilyWithTheDefaultBehind() throws {
        let config = try Self.load("""
            retention:
              default: 5y
              kinds:
                radiation.background: 90d
                device.status: 1y
                gps.*: 2w
              raw: 400d
              every: 30m
              batch: 200
              pause: 20ms
              partition: week

            """).get()
        let p = try #require(config.retention)
        #expect(p.age(forKind: "radiation.background")?.seconds == 90 * 86_400.0)
        #expect(p.age(forKind: "radiation.alarm")?.seconds == 5 * 365 * 86_400.0)
        #expect(p.age(forKind: "gps.fix")?.text == "2w")
        #expect(p.age(forKind: "device.status")?.seconds == 365 * 86_400.0)
        #expect(p.rawRetention?.seconds == 400 * 86_400.0)
        #expect(p.everySeconds == 1800 && p.batchRows == 200 && abs(p.pauseSeconds - 0.02) < 1e-9)
        #expect(p.partition == .week)
        #expect(try Self.load("").get().retention == nil, "no section: nothing is ever purged")
        let noDefault = try #require(try Self.load("retention:\n  kinds: {device.status: 1y}\n").get().retention)
        #expect(noDefault.age(forKind: "radiation.alarm") == nil && noDefault.rawRetention == nil)
        #expect(noDefault.partition == .month, "partitions span a month unless told")
    }

    @Test func badValuesNameFileLineAndField() throws {
        let cases: [(yaml: String, line: Int, field: String, says: String)] = [
            ("retention:\n  default: 5 years\n", 5, "retention.default", "a number and a unit"),
            ("retention:\n  kinds:\n    radiation.background: 90\n", 6, "retention.kinds.radiation.background", "got '90'"),
            ("retention:\n  kinds:\n    Radiation Background: 90d\n", 6, "retention.kinds.Radiation Background", "an event kind"),
            ("retention:\n  batch: 0\n", 5, "retention.batch", "from 1 to 100000"),
            ("retention:\n  partition: day\n", 5, "retention.partition", "week or month"),
            ("retention:\n  keep: 5y\n", 5, "retention.keep", "unknown field"),
        ]
        for c in cases {
            guard case .failure(let e) = try Self.load(c.yaml) else {
                Issue.record("accepted: \(c.yaml)")
                continue
            }
            #expect(e.file.hasSuffix("site.yaml"))
            #expect(e.line == c.line, "\(e)")
            #expect(e.field == c.field, "\(e)")
            #expect(e.message.contains(c.says), "\(e)")
        }
    }

    @Test func agesParseWithTheirUnits() {
        #expect(RetentionAge("250ms")?.seconds == 0.25)
        #expect(RetentionAge("90d")?.seconds == 7_776_000)
        #expect(RetentionAge("1.5h")?.seconds == 5400)
        for bad in ["", "d", "0d", "-3d", "5", "5 y", "5x", "nand"] { #expect(RetentionAge(bad) == nil, "\(bad)") }
    }
}
