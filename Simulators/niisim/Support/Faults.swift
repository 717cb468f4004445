import ArgumentParser
import HubSimulation

/// The faults every simulator can inject (`--garbage 0.05 --bad-checksum 0.1 …`); each rate is the
/// share of frames it hits. A seeded run injects the same faults in the same places.
struct FaultOptions: ParsableArguments {
    @Option(name: .long, help: "Share of frames preceded by random garbage bytes.")
    var garbage: Double = 0

    @Option(name: .long, help: "Share of frames sent with a wrong checksum or CRC (where the protocol has one).")
    var badChecksum: Double = 0

    @Option(name: .long, help: "Share of frames cut short.")
    var truncate: Double = 0

    @Option(name: .long, help: "Share of frames sent twice.")
    var duplicate: Double = 0

    @Option(name: .long, help: "Every Nth frame starts a burst: the next --burst-size frames go at once, unpaced (0 = never).")
    var burstEvery: Int = 0

    @Option(name: .long, help: "Frames in a burst.")
    var burstSize: Int = 20

    @Option(name: .long, help: "Drop the connection after every N frames and reconnect (network outputs; 0 = never).")
    var disconnectEvery: Int = 0

    @Option(name: .long, help: "Seconds added to the device's clock (behind: --clock-skew=-90).")
    var clockSkew: Double = 0

    func validate() throws {
        for (name, v) in [("garbage", garbage), ("bad-checksum", badChecksum), ("truncate", truncate), ("duplicate", duplicate)] {
            guard (0...1).contains(v) else { throw ValidationError("--\(name) is a share between 0 and 1") }
        }
        guard burstEvery >= 0, burstSize >= 1, disconnectEvery >= 0 else {
            throw ValidationError("--burst-every, --burst-size and --disconnect-every must not be negative")
        }
    }

    var any: Bool { garbage + badChecksum + truncate + duplicate > 0 || burstEvery > 0 || disconnectEvery > 0 }
}

/// Where a protocol keeps its checksum, so a bad-checksum fault breaks exactly that and nothing else.
enum ChecksumPlace: Sendable {
    /// No checksum (plain CSV, XML, JSON): the fault is skipped.
    case none
    /// The byte `n` from the end (GT06 CRC: 4, Teltonika CRC: 1).
    case binaryFromEnd(Int)
    /// A two-hex-digit `*hh` before CR LF (NMEA, OCR).
    case starHex
}

/// Applies `FaultOptions` to frames as they go out, and counts what it did.
struct FaultInjector: Sendable {
    let options: FaultOptions
    let place: ChecksumPlace
    private var rng: SeededRandom
    private var sent = 0
    private var burstLeft = 0
    private(set) var injected: [String: Int] = [:]

    init(_ options: FaultOptions, place: ChecksumPlace, seed: UInt64) {
        self.options = options
        self.place = place
        rng = SeededRandom(seed: seed ^ 0xFA17)
    }

    /// The bytes to send in place of `frame` (none, one or two copies, possibly damaged).
    mutating func apply(_ frame: [UInt8]) -> [UInt8] {
        sent += 1
        var out = frame
        if options.badChecksum > 0, rng.chance(options.badChecksum), let bad = corrupted(frame) {
            out = bad
            count("bad-checksum")
        }
        if options.truncate > 0, rng.chance(options.truncate), out.count > 2 {
            out = Array(out.prefix(Int.random(in: 1..<(out.count - 1), using: &rng)))
            count("truncate")
        }
        if options.garbage > 0, rng.chance(options.garbage) {
            // Never a frame's start bytes, so the garbage cannot swallow the frame behind it by luck.
            let noise = (0..<Int.random(in: 1...24, using: &rng)).map { _ in UInt8.random(in: 0x80...0xFF, using: &rng) }
            out = noise + out
            count("garbage")
        }
        if options.duplicate > 0, rng.chance(options.duplicate) {
            out += out
            count("duplicate")
        }
        return out
    }

    /// Whether this frame is sent without waiting for its time (inside a burst).
    mutating func inBurst() -> Bool {
        if burstLeft > 0 {
            burstLeft -= 1
            return true
        }
        if options.burstEvery > 0, sent > 0, sent % options.burstEvery == 0 {
            burstLeft = options.burstSize - 1
            count("burst")
            return true
        }
        return false
    }

    /// Whether the connection should drop after this frame.
    mutating func shouldDisconnect() -> Bool {
        guard options.disconnectEvery > 0, sent > 0, sent % options.disconnectEvery == 0 else { return false }
        count("disconnect")
        return true
    }

    var summary: String {
        injected.isEmpty ? "no faults" : injected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    private mutating func count(_ what: String) { injected[what, default: 0] += 1 }

    private func corrupted(_ frame: [UInt8]) -> [UInt8]? {
        var f = frame
        switch place {
        case .none: return nil
        case .binaryFromEnd(let n):
            guard f.count >= n else { return nil }
            f[f.count - n] ^= 0x5A
        case .starHex:
            guard let star = f.lastIndex(of: UInt8(ascii: "*")), star + 2 < f.count else { return nil }
            // Another valid hex digit, so the line is rejected for its checksum and not its shape.
            f[star + 2] = f[star + 2] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        }
        return f
    }
}
