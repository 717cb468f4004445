import Foundation
import HubImaging
import HubTesting
import Testing

/// `niisim` against the real drivers (through `niihub decode`) and a real hub: each simulator's
/// output decodes to what it meant, seeded runs repeat exactly, faults give rejects and no crash.
@Suite(.timeLimit(.minutes(3)))
struct SimulatorTests {
    let dir: TemporaryDirectory
    init() throws { dir = try TemporaryDirectory("niisim") }

    static func summary(_ err: String) -> (events: Int, rejected: Int)? {
        // "<file>: N frames, M events, K rejected …"
        guard let line = err.split(separator: "\n").last(where: { $0.contains(" events, ") }) else { return nil }
        let words = line.split(separator: " ")
        guard let e = words.firstIndex(where: { $0.hasPrefix("events") }), let r = words.firstIndex(where: { $0.hasPrefix("rejected") }),
            let events = Int(words[e - 1]), let rejected = Int(words[r - 1])
        else { return nil }
        return (events, rejected)
    }

    @Test func nmeaOutputDecodesToTheFixesItMeant() async throws {
        let trace = dir.path("nmea.trace")
        let sim = try await SimulatorRun.run(
            ["nmea", "--stdout", "--fixes", "30", "--speed", "100000", "--start", "2026-01-31T08:00:00Z", "--trace", trace],
            in: dir)
        #expect(sim.status == 0)
        let meant = try SimulatorRun.trace(trace)
        #expect(meant.count == 30)
        let decoded = try SimulatorRun.decode("nmea", sim.out, in: dir)
        let fixes = decoded.events.filter { $0["kind"] as? String == "gps.fix" }
        // One fix per RMC and one per GGA, each where the simulator meant it to be.
        #expect(fixes.count == 60)
        #expect(Self.summary(decoded.err)?.rejected == 0)
        for (i, m) in meant.enumerated() where i * 2 + 1 < fixes.count {
            for f in [fixes[i * 2], fixes[i * 2 + 1]] {
                let data = try #require(f["data"] as? [String: Any])
                #expect(abs((data["lat"] as? Double ?? 0) - (m["lat"] as? Double ?? 1)) < 1e-9)
                #expect(abs((data["lon"] as? Double ?? 0) - (m["lon"] as? Double ?? 1)) < 1e-9)
            }
            #expect(fixes[i * 2]["observedAt"] as? String == m["at"] as? String)
        }
    }

    @Test func seededRunsRepeatExactly() async throws {
        let args = ["ocr", "--stdout", "--vehicles", "20", "--speed", "100000", "--misread-rate", "0.3", "--seed", "11"]
        let a = try await SimulatorRun.run(args, in: dir), b = try await SimulatorRun.run(args, in: dir)
        let strip = { (o: [UInt8]) in String(decoding: o, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",")[4] } }
        #expect(!a.out.isEmpty && strip(a.out) == strip(b.out))
    }

    @Test func ocrMisreadRateIsHonouredAndMisreadsAreRepaired() async throws {
        let trace = dir.path("ocr.trace")
        let sim = try await SimulatorRun.run(
            ["ocr", "--stdout", "--vehicles", "200", "--speed", "100000", "--misread-rate", "0.25", "--seed", "7",
             "--trace", trace], in: dir)
        #expect(sim.status == 0)
        let meant = try SimulatorRun.trace(trace)
        let misread = meant.filter { $0["misread"] as? Bool == true }
        // 200 draws at 0.25: the seeded count, and well inside the binomial spread.
        #expect((30...70).contains(misread.count), "\(misread.count) misreads")
        let reads = try SimulatorRun.decode("ocr", sim.out, in: dir).events
            .filter { ($0["data"] as? [String: Any])?["kind"] as? String == "container" || $0["kind"] as? String == "ocr.read" }
        let containers = reads.compactMap { e -> (text: String, subject: [String], repaired: Bool)? in
            guard let data = e["data"] as? [String: Any], let text = data["text"] as? String,
                meant.contains(where: { $0["read"] as? String == text })
            else { return nil }
            let subject = (e["subject"] as? [String: Any])?["containers"] as? [String] ?? []
            return (text, subject, data["repairedFrom"] != nil)
        }
        #expect(containers.count == 200)
        #expect(containers.filter(\.repaired).count == misread.count)
        for (read, m) in zip(containers, meant) {
            #expect(read.subject == [m["container"] as? String ?? ""], "read \(read.text)")
        }
    }

    @Test func n42FilesDecodeWithTheCountsWritten() async throws {
        let folder = dir.path("n42"), trace = dir.path("n42.trace")
        let sim = try await SimulatorRun.run(
            ["n42", "--folder", folder, "--count", "6", "--speed", "100000", "--alarm-rate", "0.5", "--trace", trace], in: dir)
        #expect(sim.status == 0)
        let meant = try SimulatorRun.trace(trace)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count == 6 && files.allSatisfy { $0.hasSuffix(".n42") }, "no temporary names left: \(files)")
        let events = try SimulatorRun.decode("n42", files: files.map { folder + "/" + $0 }).events
        let measurements = events.filter { $0["kind"] as? String == "radiation.measurement" }
        #expect(measurements.count == 6)
        for (e, m) in zip(measurements, meant) {
            let data = try #require(e["data"] as? [String: Any])
            #expect(data["gammaCounts"] as? Double == (m["gammaCounts"] as? Int).map(Double.init))
            #expect(data["neutronCounts"] as? Double == (m["neutronCounts"] as? Int).map(Double.init))
        }
        let alarms = events.filter { $0["kind"] as? String == "radiation.alarm" }.count
        #expect(alarms == meant.filter { $0["alarm"] as? Bool == true }.count)
    }

    @Test func scanResultsAndImagesDecode() async throws {
        let folder = dir.path("scan"), trace = dir.path("scan.trace")
        let sim = try await SimulatorRun.run(
            ["scan", "--folder", folder, "--count", "4", "--speed", "100000", "--suspect-rate", "0.5", "--trace", trace], in: dir)
        #expect(sim.status == 0)
        let docs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        #expect(docs.count == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/images").count == 4)
        let events = try SimulatorRun.decode("scan", files: docs.map { folder + "/" + $0 }).events
        let meant = try SimulatorRun.trace(trace)
        #expect(events.count == 4)
        for (e, m) in zip(events, meant) {
            #expect((e["subject"] as? [String: Any])?["containers"] as? [String] == m["containers"] as? [String])
        }
    }

    /// `--dual-energy --image-format dicos`: a high/low DICOS pair per view, named by view and energy;
    /// both decode with the pixel spacing, and the low image attenuates each material by its ratio:
    /// ln(full / low) / ln(full / high) is 1.4 on the suspect (inorganic) object, 2.0 on the steel, 1.1 in the cargo.
    @Test func aDualEnergyScannerWritesPairsWhoseRatioNamesTheMaterial() async throws {
        let folder = dir.path("dual")
        let sim = try await SimulatorRun.run(
            ["scan", "--folder", folder, "--count", "1", "--speed", "100000", "--suspect-rate", "1", "--dual-energy", "--image-format", "dicos"], in: dir)
        #expect(sim.status == 0, "\(sim.err)")
        let doc = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".json") })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + doc))) as? [String: Any])
        let images = try #require(json["images"] as? [[String: Any]])
        #expect(images.map { $0["energy"] as? String } == ["high", "low"] && images.allSatisfy { $0["format"] as? String == "dicos" && $0["view"] as? String == "side" })
        func image(_ i: Int) throws -> ScanImage {
            try ScanImageDecoder.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/images/" + (images[i]["name"] as? String ?? "")))))
        }
        let (high, low) = (try image(0), try image(1))
        #expect(high.pixelSpacing == PixelSpacing(rowMillimetres: 25, columnMillimetres: 50))
        func ratio(_ x: Int, _ y: Int) -> Double { log(65535 / Double(low[x, y])) / log(65535 / Double(high[x, y])) }
        #expect(abs(ratio(150, 60) - 1.4) < 0.02 && abs(ratio(10, 60) - 2.0) < 0.02 && abs(ratio(60, 100) - 1.1) < 0.02,
                "\(ratio(150, 60)) \(ratio(10, 60)) \(ratio(60, 100))")
        // The hub's decoder reads the document with both images' energies.
        let events = try SimulatorRun.decode("scan", files: [folder + "/" + doc]).events
        let stored = (events.first?["data"] as? [String: Any])?["images"] as? [[String: Any]]
        #expect(stored?.map { $0["energy"] as? String } == ["high", "low"])
    }

    /// `--baggage --views 4 --reference vehicle:51D-678.90 --image-format tiff`: four TIFF views of a bag,
    /// its reference in the document, and the vehicle's plate in the event's subject (so it links).
    @Test func aBaggageScannerWritesABagsViewsAndWhoseItIs() async throws {
        let folder = dir.path("bags")
        let sim = try await SimulatorRun.run(
            ["scan", "--folder", folder, "--count", "1", "--speed", "100000", "--baggage", "--views", "4", "--reference", "vehicle:51D-678.90",
             "--image-format", "tiff", "--suspect-rate", "1"], in: dir)
        #expect(sim.status == 0, "\(sim.err)")
        let doc = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".json") })
        let events = try SimulatorRun.decode("scan", files: [folder + "/" + doc]).events
        let e = try #require(events.first)
        let data = e["data"] as? [String: Any] ?? [:]
        #expect((data["images"] as? [[String: Any]])?.map { $0["view"] as? String } == ["top", "side", "top-oblique", "side-oblique"])
        #expect(((data["bag"] as? [String: Any])?["reference"] as? [String: Any])?["value"] as? String == "51D-678.90")
        #expect((e["subject"] as? [String: Any])?["plates"] as? [String] == ["51D67890"] && (e["subject"] as? [String: Any])?["containers"] == nil)
        let first = try ScanImageDecoder.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/images/" + ((data["images"] as? [[String: Any]])?.first?["name"] as? String ?? "")))))
        #expect(first.size == ImageSize(width: 256, height: 128) && first[150, 60] < 13_000, "the suspect block is dense")
    }

    @Test func faultsGiveTheExpectedRejectsAndNoCrash() async throws {
        func nmea(_ fault: [String]) async throws -> (events: Int, rejected: Int)? {
            let sim = try await SimulatorRun.run(["nmea", "--stdout", "--fixes", "25", "--speed", "100000"] + fault, in: dir)
            #expect(sim.status == 0)
            return Self.summary(try SimulatorRun.decode("nmea", sim.out, in: dir).err)
        }
        // 25 epochs of RMC, GGA, GSA and VTG: 50 fixes when nothing is wrong.
        #expect(try await nmea([])?.events == 50)
        let bad = try await nmea(["--bad-checksum", "1"])
        #expect(bad?.events == 0 && bad?.rejected == 100)
        #expect(try await nmea(["--duplicate", "1"])?.events == 100)
        #expect(try await nmea(["--truncate", "1"])?.events == 0)
        // Garbage before a sentence is skipped: every sentence behind it still decodes.
        #expect(try await nmea(["--garbage", "1"])?.events == 50)
        let mixed = try await nmea(["--garbage", "0.2", "--bad-checksum", "0.2", "--truncate", "0.2", "--burst-every", "10"])
        #expect((mixed?.events ?? 0) > 0 && (mixed?.rejected ?? 0) > 0 && (mixed?.events ?? 99) < 50)
    }

    @Test func clockSkewMovesTheDeviceTimestamps() async throws {
        let sim = try await SimulatorRun.run(
            ["nmea", "--stdout", "--fixes", "2", "--speed", "100000", "--start", "2026-01-31T08:00:00Z", "--clock-skew=-90"],
            in: dir)
        let times = try SimulatorRun.decode("nmea", sim.out, in: dir).events.compactMap { $0["observedAt"] as? String }
        #expect(times.first == "2026-01-31T07:58:30.000Z" || times.first == "2026-01-31T07:58:30Z", "\(times)")
    }

    @Test func simulatorsRefuseNonLoopbackTargets() async throws {
        for args in [["gt06", "--host", "192.0.2.1", "--port", "5023"], ["nmea", "--tcp", "10.1.2.3:4000"],
                     ["ocr", "--udp", "example.org:4000"]] {
            let r = try await SimulatorRun.run(args, in: dir)
            #expect(r.status != 0 && r.err.contains("loopback"), "\(args)")
        }
    }
}
