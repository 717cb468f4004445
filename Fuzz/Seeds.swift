import Foundation
import HubDrivers
import HubModel

/// Where each fuzzed boundary starts: the shared corpus (read in place, never copied into the repo)
/// and what the simulators' encoders write. Each seed carries the two chunking bytes drivers read first.
enum Seeds {
    static let at = Date(timeIntervalSince1970: 1_767_225_600)

    @Sendable static func rpm(_ shared: URL) -> [[UInt8]] {
        windows(of: files(shared, "rpm", ext: "csv"), size: 2048, limit: 12)
            + [Array("GB,000123,000456,000789,000012\r\nGS,001500,001600,001700,001800\r\nGA,009000,008000,007000,006000\r\nGX,000010,000001,000000,000000\r\n".utf8)]
    }

    @Sendable static func nmea(_ shared: URL) -> [[UInt8]] {
        let fix = NMEAEncoder.Fix(at: at, lat: 10.95, lon: 106.82, speedKmh: 42, courseDeg: 270)
        // A u-blox port: UBX and RTCM 3 frames glued before sentences, `\r\r\n` endings.
        var mixed: [UInt8] = UBXEncoder.navPVT(fix)
        mixed += NMEAEncoder.rmc(fix).dropLast(1)
        mixed += [13, 10]
        mixed += RTCM3Encoder.message1005(station: 1, x: -2_481_284, y: -3_889_163, z: 4_407_781)
        mixed += NMEAEncoder.gga(fix)
        return windows(of: files(shared, "nmea", ext: "log"), size: 1024, limit: 40) + [NMEAEncoder.epoch(fix).joined().map { $0 }, mixed]
    }

    @Sendable static func gt06(_ shared: URL) -> [[UInt8]] {
        let p = GT06Encoder.Position(at: at, lat: 10.95, lon: 106.82, speedKmh: 40, courseDeg: 90)
        let session = (GT06Encoder.login(imei: "864717003283581", serial: 1) ?? []) + GT06Encoder.location(p, serial: 2)
            + GT06Encoder.heartbeat(armed: true, serial: 3) + GT06Encoder.alarm(p, code: 1, armed: false, serial: 4)
        return hexFrames(shared, "tracker/gt06-frames.jsonl") + [session]
    }

    @Sendable static func teltonika(_ shared: URL) -> [[UInt8]] {
        let r = TeltonikaEncoder.Record(at: at, lat: 10.95, lon: 106.82)
        return hexFrames(shared, "tracker/teltonika-codec8-frames.jsonl")
            + [TeltonikaEncoder.handshake(imei: "352094081234567") + TeltonikaEncoder.codec8([r, r])]
    }

    @Sendable static func eseal(_: URL) -> [[UInt8]] {
        ["LOCK", "UNLOCK", "DOOR", "LOWBAT", "HB", "POS"].enumerated().map { i, event in
            ESealEncoder.report(id: "VN123456", sequence: i, event: event, time: "20260101080000",
                                lat: "10.95", lon: "106.82", battery: "87")
        } + [ESealEncoder.report(id: "S1", sequence: 9, event: "CUT", time: "20260101080000")]
    }

    @Sendable static func ocr(_: URL) -> [[UInt8]] {
        [Array("OCR,3,2026-01-31T08:15:02.120Z,CONTAINER,CSQU3054383,97,rear,99;98;99;97;96;99;99;98;97;99;91*3D\r\nOCR,3,2026-01-31T08:15:01Z,PLATE,51C-123.45,88,front\r\nOCR,1,,CONTAINER,CSQU3O54383,80\r\n".utf8)]
    }

    @Sendable static func scan(_: URL) -> [[UInt8]] {
        let s = ScanResultWriter.Scan(
            scanID: "S-1", scannerID: "xr1", lane: "3", startedAt: at, durationS: 12.5,
            containers: ["CSQU3054383", "TCNU7200795"], plate: "51C-123.45",
            images: [(name: "s1.png", sha256: String(repeating: "ab", count: 32), bytes: 1024)], suspect: true)
        return [ScanResultWriter.json(s), ScanResultWriter.json(s) + Array("junk{\"a\":[1,{\"b\":\"}\"}]}".utf8)]
    }

    @Sendable static func n42(_ shared: URL) -> [[UInt8]] {
        files(shared, "n42", ext: "n42") + files(shared, "n42", ext: "N42") + files(shared, "n42", ext: "xml")
            .map { Array($0.prefix(6000)) }
    }

    /// Seeds the simulators' encoders (and the corpus' other files) add to a protocol's captures.
    static let encoded: [String: @Sendable (URL) -> [[UInt8]]] = [
        "rpm": rpm, "nmea": nmea, "gt06": gt06, "teltonika": teltonika, "eseal": eseal, "ocr": ocr, "scan": scan, "bag-scan": scan, "n42": n42,
    ]

    /// The captures the protocol's family descriptor names (`DeviceProtocol.captures`), as the device
    /// sent the bytes (hex-line captures decoded), in windows the fuzzer's input size holds.
    /// Repository captures are read from the working folder, which `scripts/fuzz.sh` sets to the root.
    static func captures(of p: DeviceProtocol, _ shared: URL) -> [[UInt8]] {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let blobs: [[UInt8]] = p.captures.compactMap { file in
            guard let data = try? Data(contentsOf: file.url(repository: root, shared: shared.deletingLastPathComponent())) else { return nil }
            var badLines = 0
            return p.capture.chunks(of: [UInt8](data), badLines: &badLines).flatMap { $0 }
        }
        return windows(of: blobs, size: 4096, limit: 8)
    }

    @Sendable static func framers(_ shared: URL) -> [[UInt8]] {
        windows(of: files(shared, "nmea", ext: "log"), size: 512, limit: 8) + [Array("ab\r\n\n\rcd\r\r\nxyz".utf8)]
    }

    @Sendable static func declarations(_: URL) -> [[UInt8]] {
        [
            #"{"number":"IM-2026-0042","type":"import","office":"45BC","trader":{"tin":"0309876543","aeo":false},"#
                + #""containers":["TCNU7200794"],"plates":["29H-555.12"],"seals":["SL77"],"#
                + #""goods":[{"hsCode":"870323","quantity":2,"unit":"PCE"}],"channel":"green"}"#,
            #"{"number":"TR-9","type":"transit","office":"03CE","trader":{"tin":"12345"},"transit":{"origin":"03CE","#
                + #""destination":"45BC","corridor":[[10.9,106.8],[11.3,106.1]],"bufferM":500,"#
                + #""start":"2026-11-25T01:00:00Z","end":"2026-11-25T09:00:00+07:00"}}"#,
        ].map { Array($0.utf8) }
    }

    @Sendable static func containers(_ shared: URL) -> [[UInt8]] {
        guard let text = try? String(contentsOf: shared.appending(path: "containers/iso6346.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").prefix(200).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["input"] as? String
        }.map { Array($0.utf8) }
    }

    private static func files(_ shared: URL, _ folder: String, ext: String) -> [[UInt8]] {
        let dir = shared.appending(path: folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted().compactMap {
            (try? Data(contentsOf: dir.appending(path: $0))).map { [UInt8]($0) }
        }
    }

    /// Slices of long captures, so seeds stay within the fuzzer's input size.
    private static func windows(of blobs: [[UInt8]], size: Int, limit: Int) -> [[UInt8]] {
        blobs.flatMap { b in stride(from: 0, to: b.count, by: size).prefix(limit).map { Array(b[$0..<min($0 + size, b.count)]) } }
    }

    /// The published tracker captures: one frame per JSON line, in hex.
    private static func hexFrames(_ shared: URL, _ path: String) -> [[UInt8]] {
        guard let text = try? String(contentsOf: shared.appending(path: path), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let hex = o["hex"] as? String else { return nil }
            var bytes: [UInt8] = []
            var i = hex.startIndex
            while let j = hex.index(i, offsetBy: 2, limitedBy: hex.endIndex), i != j, let b = UInt8(hex[i..<j], radix: 16) {
                bytes.append(b)
                i = j
            }
            return bytes
        }
    }
}
