import Foundation
import HubModel

/// NMEA 0183 GPS receivers (USB or serial): `$GPRMC,…*hh` sentences, read as gpsd reads them.
///
/// Every sentence's checksum is verified; a bad or missing one is counted as `checksum` and never
/// becomes a fix. One `gps.fix` reading comes from each RMC, GGA or GLL sentence with a valid
/// position. Sentence types it does not interpret (GSV, GST, TXT, proprietary `$P…`) are counted by type.
/// UBX and RTCM 3 frames the receiver interleaves are passed over and counted (`skippedFrames`);
/// noise between frames is archived, rejected as `garbage` and its bytes counted (`skippedBytes`).
public struct NMEADriver: DeviceDriver {
    public let rawFormat = "nmea-0183"
    public internal(set) var counters = DecodeCounters()

    /// NMEA allows 82 bytes with CR LF; high-precision receivers (u-blox HPNMEA, Trimble RTK) send a
    /// few more, so lines are accepted up to this bound and cut beyond it.
    public static let maxSentenceBytes = 128

    var framer: NMEAStreamFramer
    private var assembler = NMEAFixAssembler()

    public init(options: DriverOptions = DriverOptions()) {
        framer = NMEAStreamFramer(maxSentenceBytes: Self.lineLimit(options))
    }

    public mutating func reconfigure(_ options: DriverOptions) { framer.limit(maxSentenceBytes: Self.lineLimit(options)) }

    private static func lineLimit(_ options: DriverOptions) -> Int { min(max(options.maxFrameBytes, 82), maxSentenceBytes) }

    public var pendingBytes: Int { framer.pendingCount }

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        counters.bytes += bytes.count
        var framer = takeFramer()
        framer.push(bytes) { handle($0, into: &steps) }
        self.framer = framer
    }

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) {
        var framer = takeFramer()
        framer.finish { handle($0, into: &steps) }
        self.framer = framer
    }

    /// The framer, moved out while `handle` (which mutates the rest of the driver) runs under it; a
    /// shared idle one stands in, so the framer's buffers stay uniquely held and are not copied on
    /// every read.
    private mutating func takeFramer() -> NMEAStreamFramer {
        let framer = self.framer
        self.framer = Self.idleFramer
        return framer
    }

    private static let idleFramer = NMEAStreamFramer(maxSentenceBytes: 8)

    mutating func handle(_ output: NMEAStreamFramer.Output, into steps: inout [DriverStep]) {
        switch output {
        case .binary(let kind, _):
            // Real device bytes, but another protocol's: counted, not held, so not archived.
            counters.skippedFrames[kind.rawValue, default: 0] += 1
        case .corrupt(_, let count):
            counters.skippedBytes += count
        case .garbage(let head, let count):
            counters.frames += 1
            steps.append(.frame(head[...]))
            counters.reject(.garbage)
            counters.skippedBytes += count
        case .overlong(let head, _):
            counters.frames += 1
            steps.append(.frame(head[...]))
            counters.reject(.overlong)
        case .sentence(let bytes, let contentCount):
            counters.frames += 1
            steps.append(.frame(bytes))
            // The sentence is read in place (it points into `bytes`), so the assembler runs inside.
            let read: (outcome: NMEAFixAssembler.Outcome, type: String)
            do {
                read = try NMEASentence.parsing(bytes.prefix(contentCount), splitting: NMEAFixAssembler.reads) {
                    (assembler.handle($0), $0.type)
                }
            } catch {
                counters.reject(error == .checksum ? .checksum : .garbage)
                return
            }
            switch read.outcome {
            case .fix(let fix):
                steps.append(.reading(.gpsFix(fix), .segment))
                counters.readings += 1
            case .noFix: break
            case .unknown: counters.unknown(read.type)
            case .malformed: counters.reject(.malformed)
            }
        }
    }
}
