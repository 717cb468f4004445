import Foundation
import HubModel

/// NMEA 0183 GPS receivers (USB or serial): `$GPRMC,…*hh` sentences, one per line.
///
/// Every sentence's checksum is verified; a bad or missing one is counted as `checksum` and never
/// becomes a fix. One `gps.fix` reading comes from each RMC, GGA or GLL sentence with a valid
/// position. Sentence types it does not interpret (GSV, GST, TXT, proprietary `$P…`) are counted by type.
public struct NMEADriver: LineDriver {
    public let rawFormat = "nmea-0183"
    public internal(set) var counters = DecodeCounters()

    /// NMEA allows 82 bytes with CR LF; high-precision receivers (u-blox HPNMEA, Trimble RTK) send a
    /// few more, so lines are accepted up to this bound and cut beyond it.
    public static let maxSentenceBytes = 128

    var framer: LineFramer
    private var assembler = NMEAFixAssembler()

    public init(options: DriverOptions = DriverOptions()) {
        framer = LineFramer(maxLineBytes: Self.lineLimit(options))
    }

    public mutating func reconfigure(_ options: DriverOptions) { framer.limit(maxLineBytes: Self.lineLimit(options)) }

    private static func lineLimit(_ options: DriverOptions) -> Int { min(max(options.maxFrameBytes, 82), maxSentenceBytes) }



    mutating func handle(_ output: LineFramer.Output, receivedAt: Date, into steps: inout [DriverStep]) {
        counters.frames += 1
        switch output {
        case .overlong(let head, _):
            steps.append(.frame(head))
            counters.reject(.overlong)
        case .line(let bytes, let contentCount):
            steps.append(.frame(bytes))
            let sentence: NMEASentence
            do {
                sentence = try NMEASentence.parse(bytes[..<contentCount])
            } catch {
                counters.reject(error == .checksum ? .checksum : .garbage)
                return
            }
            switch assembler.handle(sentence) {
            case .fix(let fix):
                steps.append(.reading(.gpsFix(fix), .segment))
                counters.readings += 1
            case .noFix: break
            case .unknown: counters.unknown(sentence.type)
            case .malformed: counters.reject(.malformed)
            }
        }
    }
}
