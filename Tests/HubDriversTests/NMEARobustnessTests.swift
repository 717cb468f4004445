import Foundation
import HubDrivers
import HubModel
import HubTesting
import Testing

/// Whatever a serial line delivers, the NMEA driver counts it, archives it and stays bounded.
@Suite(.timeLimit(.minutes(3)))
struct NMEARobustnessTests {
    static func make() -> NMEADriver { NMEADriver() }

    @Test func mutatedCorpusSentencesNeverGiveAWrongFix() throws {
        let lines = try Corpus.bytes("nmea/nmea-fuzzy-cases.log").split(separator: 10, omittingEmptySubsequences: false)
            .map { Array($0) + [10] }
        let clean = DriverRun(Self.make(), chunks: lines.map { $0[...] })
        for seed in 1...20 as ClosedRange<UInt64> {
            let mutated = DriverTorture.mutated(lines, seed: seed)
            let r = DriverRun(Self.make(), chunks: mutated.map { $0[...] })
            #expect(DriverTorture.consistent(r, inputBytes: mutated.reduce(0) { $0 + $1.count }, everyByteArchived: false))
            // A changed byte breaks the checksum (or the line); the rest still decode, never more than before.
            #expect(r.fixes.count <= clean.fixes.count + 2)
        }
    }

    @Test func truncationAtEveryOffset() throws {
        let sentence = Array("$GNRMC,132827.20,A,4134.49941239,N,09345.03495785,W,0.482,33.532,180320,11.5985,E,D*01\r\n".utf8)
        let runs = DriverTorture.truncations(sentence, Self.make)
        for (n, r) in runs.enumerated() {
            #expect(DriverTorture.consistent(r, inputBytes: n))
            // Only the complete sentence (with or without its CR LF) is a fix.
            #expect(r.fixes.count == (n >= sentence.count - 2 ? 1 : 0), "prefix of \(n) bytes")
        }
    }
}
