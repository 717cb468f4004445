import Foundation
import HubDrivers
import HubModel
import Testing

/// Inputs the fuzzer (`scripts/fuzz.sh`) flagged when its first invariant said every reject count must
/// not depend on how the bytes arrive. They showed that runs of noise are counted as they are reported
/// (a quiet socket flushes them), so the count of noise runs follows the chunking by design; what
/// whole frames decode to, the acks, the checksum failures and every archived byte must not.
@Suite(.timeLimit(.minutes(3)))
struct ChunkingFindingsTests {
    static let findings: [(String, String)] = [
        // A short header (78 78, length 0) then a frame whose length runs past its terminator.
        ("gt06", "07787800171710231112510600cc080c4e2fa55a0c4e2fa55a0c4e2fa55a0c4e2fa55a0c4e2fa55a0c4e2fa55a0d0a"),
        // A codec 8 header promising 0x4b bytes, noise, then a partial AVL record.
        ("teltonika", "000000000000004b8e010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000018368952793000f0e54fc209ab05800b300b40e00002a4f0001000000000020000000012a4f001e011c0001a40110eb4f706aa38255aa96f21a154e2d00550d01000e020bd6010000823f"),
    ]

    @Test(arguments: findings)
    func wholeFramesDecodeTheSameHoweverTheBytesArrive(protocolName: String, hex: String) throws {
        let bytes = try #require(Hex.decode(Array(hex.utf8)))
        let driver = try #require(DriverCatalog.make(protocolName))
        let whole = DriverRun(driver, chunks: [bytes[...]])
        let byByte = DriverRun(driver, chunks: bytes.indices.map { bytes[$0...$0] })
        #expect(whole.readings == byByte.readings)
        #expect(whole.replies == byByte.replies)
        #expect(whole.counters.rejected["checksum"] == byByte.counters.rejected["checksum"])
        #expect(whole.frames.joined().elementsEqual(bytes), "every byte archived in order, frame or noise")
        #expect(byByte.frames.joined().elementsEqual(bytes))
        #expect(whole.counters.rejectedTotal > 0 && byByte.counters.rejectedTotal > 0, "the noise is counted both ways")
    }
}
