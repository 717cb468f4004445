import Foundation
import HubDrivers
import HubModel
import Testing

/// Every driver family's cap: a line or frame that never ends, or a header announcing a huge
/// length, is held only up to the family's limit while it streams in, then rejected as over-long
/// and counted; a frame after it still decodes (checked where one frame makes a reading by itself).
@Suite(.timeLimit(.minutes(3)))
struct FrameCapTests {
    struct Case: Sendable, CustomStringConvertible {
        var family: String
        var make: @Sendable () -> any DeviceDriver
        var start: [UInt8]
        /// The most the driver may hold while the flood streams in.
        var limit: Int
        /// A whole, valid frame sent after the flood ends.
        var next: [UInt8]
        var description: String { family }
    }

    static let at = Date(timeIntervalSince1970: 1_767_225_600)
    static let defaults = DriverOptions()

    static let cases: [Case] = [
        Case(family: "rpm", make: { RapiscanDriver() }, start: Array("GB,".utf8), limit: defaults.maxFrameBytes + 1,
             next: Array("\r\nGB,000123,000456,000789,000012\r\n".utf8)),
        Case(family: "nmea", make: { NMEADriver() }, start: Array("$GPGGA,".utf8), limit: NMEADriver.maxSentenceBytes + 1,
             next: [10] + NMEAEncoder.rmc(.init(at: at, lat: 10.95, lon: 106.82))),
        Case(family: "ocr", make: { OCRDriver() }, start: Array("OCR,3,".utf8), limit: defaults.maxFrameBytes + 1,
             next: Array("\r\nOCR,3,2026-01-31T08:15:01Z,PLATE,51C-123.45,88,front\r\n".utf8)),
        Case(family: "gt06", make: { GT06Driver() }, start: [0x79, 0x79, 0xFF, 0xFF], limit: GT06Driver.minimumFrameLimit + 256,
             next: GT06Encoder.heartbeat(armed: true, serial: 1)),
        Case(family: "teltonika", make: { TeltonikaDriver() }, start: [0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF],
             limit: TeltonikaDriver.minimumFrameLimit + 256,
             next: TeltonikaEncoder.handshake(imei: "352094081234567")),
        Case(family: "eseal", make: { ESealDriver() }, start: Array("##S,eSeal,".utf8), limit: defaults.maxFrameBytes + 256,
             next: ESealEncoder.report(id: "S1", sequence: 1, event: "LOCK", time: "20260101080000")),
        Case(family: "n42", make: { N42Driver(maxDocumentBytes: 4096) }, start: Array("<RadInstrumentData><Remark>".utf8),
             limit: 4096 + 40, next: Array("</Remark></RadInstrumentData>".utf8)),
        Case(family: "scan", make: { ScanResultDriver() }, start: Array(#"{"scanId": ""#.utf8), limit: ScanResultDriver.maxDocumentBytes + 1,
             next: Array(#""}"#.utf8)),
    ]

    @Test(arguments: cases)
    func aFrameThatNeverEndsIsHeldToTheLimitThenRejected(c: Case) throws {
        var driver = c.make()
        var steps: [DriverStep] = []
        // A flood well past every family's limit (the scan document's 4 MiB included), in socket-sized chunks.
        let chunk = [UInt8](repeating: 0x41, count: 64 << 10)
        let total = max(8 * c.limit, 1 << 20)
        driver.push(c.start[...], receivedAt: Self.at, into: &steps)
        var peak = driver.pendingBytes
        for _ in 0..<(total / chunk.count) {
            driver.push(chunk[...], receivedAt: Self.at, into: &steps)
            peak = max(peak, driver.pendingBytes)
        }
        #expect(peak <= c.limit, "\(c.family) held \(peak) bytes, limit \(c.limit)")
        driver.push(c.next[...], receivedAt: Self.at, into: &steps)
        driver.finish(receivedAt: Self.at, into: &steps)
        #expect(driver.counters.rejected["overlong"] ?? 0 >= 1, "\(c.family): \(driver.counters.rejected)")
        #expect(driver.pendingBytes <= c.limit)
        let archived = steps.reduce(0) { n, s in if case .frame(let f) = s { n + f.count } else { n } }
        #expect(driver.counters.bytes == c.start.count + total / chunk.count * chunk.count + c.next.count)
        #expect(archived < driver.counters.bytes || ["gt06", "teltonika", "eseal"].contains(c.family),
                "a line or document protocol keeps only the head of what overflowed")
        if ["ocr", "gt06", "teltonika", "eseal"].contains(c.family) {
            #expect(steps.contains { if case .reading = $0 { true } else { false } }, "\(c.family): the next frame is lost")
        }
    }
}
