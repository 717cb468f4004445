import HubModel

/// Binary protocols a GPS receiver may interleave with its NMEA sentences on the same port.
public enum NMEABinaryFrame: String, Sendable, Equatable, CaseIterable {
    /// u-blox UBX: `B5 62`, class, id, payload length (little-endian), payload, Fletcher-8 CK_A CK_B
    /// over class … payload.
    case ubx
    /// RTCM 3 corrections: `D3`, 6 zero bits and a 10-bit payload length, payload, CRC-24Q over
    /// header and payload.
    case rtcm3
}

/// Cuts a receiver's byte stream into NMEA sentences the way gpsd reads it: a sentence starts at its
/// `$` or `!` wherever that is, and ends at LF, `\r\r\n`, `\r\n`, a bare CR, or a byte no sentence may
/// hold. Whole UBX and RTCM 3 frames are recognised by their length and checksum and passed over by
/// counting, never held; anything else is noise, reported in runs. Nothing but the sentence in hand
/// (at most `maxSentenceBytes` plus two CRs) or a binary header (6 bytes) is ever held, and the output
/// does not depend on how the stream was cut into reads.
public struct NMEAStreamFramer: Sendable {
    public enum Output: Sendable, Equatable {
        /// A sentence's exact bytes from its start character, terminator included (what the archive
        /// keeps); the first `contentCount` bytes are the sentence without CR/LF. A sentence that lies
        /// whole in one push is a slice of the pushed bytes, not a copy.
        case sentence(bytes: ArraySlice<UInt8>, contentCount: Int)
        /// A sentence longer than the limit: its first `maxSentenceBytes` bytes, and how many were dropped.
        case overlong(head: [UInt8], dropped: Int)
        /// A run of bytes in no frame (noise, a comment line, a false binary header), ended by LF or by
        /// the next frame's start: its first `maxSentenceBytes` bytes, and its whole length.
        case garbage(head: [UInt8], count: Int)
        /// A whole binary frame whose checksum matched, passed over: its length.
        case binary(NMEABinaryFrame, count: Int)
        /// A binary frame whose checksum failed (or that the input cut short), passed over: its length.
        case corrupt(NMEABinaryFrame, count: Int)
    }

    /// The largest UBX payload taken for a frame (the longest u-blox messages, MGA databases aside,
    /// are a few KiB); a header announcing more is noise. RTCM 3 is bounded by its 10-bit length.
    public static let maxUBXPayload = 8192

    public private(set) var maxSentenceBytes: Int

    private enum State {
        case ground
        case sentence
        case header(NMEABinaryFrame)
        case body(NMEABinaryFrame)
    }

    private var state = State.ground
    /// The sentence in hand, or the head of a garbage run.
    private var buffer: [UInt8] = []
    private var garbageCount = 0
    /// Sentence bytes past the limit.
    private var dropped = 0
    /// CRs seen at the end of the sentence in hand.
    private var crs = 0
    /// Where the sentence in hand starts in the bytes being pushed, when it started in them (its
    /// bytes are then those bytes, and go out as a slice of them).
    private var startInPush: Int?
    /// A binary frame's header so far.
    private var header: [UInt8] = []
    /// Bytes of the binary frame still to come (checksum included), and its whole length.
    private var remaining = 0
    private var frameCount = 0
    private var ckA: UInt8 = 0
    private var ckB: UInt8 = 0
    private var crc: UInt32 = 0
    /// The frame's transmitted checksum bytes, as they arrive.
    private var sent: UInt32 = 0

    public init(maxSentenceBytes: Int) {
        self.maxSentenceBytes = max(8, maxSentenceBytes)
        buffer.reserveCapacity(self.maxSentenceBytes + 3)
        header.reserveCapacity(6)
    }

    /// A new limit for sentences from now on; the unfinished one is kept.
    public mutating func limit(maxSentenceBytes: Int) { self.maxSentenceBytes = max(8, maxSentenceBytes) }

    /// Bytes held for an unfinished sentence, garbage run or binary header.
    public var pendingCount: Int { buffer.count + header.count }

    public mutating func push(_ bytes: ArraySlice<UInt8>, _ emit: (Output) -> Void) {
        pushed = bytes
        defer {
            // A sentence still in hand goes on in the next push: from now on it is only in `buffer`.
            startInPush = nil
            pushed = []
        }
        bytes.withUnsafeBufferPointer { raw in
            let end = raw.count
            var i = 0
            while i < end {
                if case .sentence = state, crs == 0, dropped == 0 {
                    // The hot path: a sentence's printable run is copied in one append, and a plain
                    // CR LF after it ends the sentence without a step per byte.
                    let stop = min(end, i + (maxSentenceBytes - buffer.count))
                    var j = i
                    // Eight bytes at a time while all are plainly printable; the byte loop after it
                    // decides exactly (a tab, or a word the test flags spuriously, is read there).
                    while j + 8 <= stop,
                        !Self.mayHoldNonText(UnsafeRawPointer(raw.baseAddress! + j).loadUnaligned(as: UInt64.self))
                    {
                        j += 8
                    }
                    while j < stop, Self.isText(raw[j]) { j += 1 }
                    if j > i {
                        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: raw[i..<j]))
                        i = j
                    }
                    if i + 1 < end, raw[i] == 13, raw[i + 1] == 10 {
                        buffer.append(13)
                        buffer.append(10)
                        endSentence(emit)
                        i += 2
                        continue
                    }
                    if i >= end { break }
                }
                let wasInSentence = inSentence
                step(raw[i], emit)
                // A sentence that starts at this very byte: its bytes are in `bytes` from here.
                if !wasInSentence, inSentence, buffer.count == 1 { startInPush = i }
                i += 1
            }
        }
    }

    /// End of input: a sentence without terminator still counts; a binary frame cut short is corrupt.
    public mutating func finish(_ emit: (Output) -> Void) {
        while true {
            switch state {
            case .ground:
                flushGarbage(emit)
                return
            case .sentence:
                endSentence(emit)
            case .header:
                rejectHeader(emit)
            case .body(let kind):
                emit(.corrupt(kind, count: frameCount - remaining))
                state = .ground
            }
        }
    }

    /// The bytes of the push in progress (empty between pushes).
    private var pushed: ArraySlice<UInt8> = []

    private var inSentence: Bool {
        if case .sentence = state { return true }
        return false
    }

    @inline(__always)
    private static func isText(_ b: UInt8) -> Bool { (b >= 0x20 && b < 0x7F) || b == 9 }

    /// False only when all eight bytes of `w` are in 0x20...0x7E. True for any byte outside (a
    /// tab included) and, through borrows between bytes, sometimes for a word without one: callers
    /// use it to skip ahead and let `isText` judge the rest.
    @inline(__always)
    static func mayHoldNonText(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below20 = (w &- ones &* 0x20) & ~w & highs
        let x = w ^ (ones &* 0x7F)
        let is7F = (x &- ones) & ~x & highs
        return (w & highs) | below20 | is7F != 0
    }

    private mutating func step(_ b: UInt8, _ emit: (Output) -> Void) {
        switch state {
        case .ground: ground(b, emit)
        case .sentence: if !sentence(b, emit) { ground(b, emit) }
        case .header(let kind): headerByte(kind, b, emit)
        case .body(let kind): bodyByte(kind, b, emit)
        }
    }

    private mutating func ground(_ b: UInt8, _ emit: (Output) -> Void) {
        switch b {
        case UInt8(ascii: "$"), UInt8(ascii: "!"):
            flushGarbage(emit)
            buffer.append(b)
            state = .sentence
        case 0xB5, 0xD3:
            flushGarbage(emit)
            header.append(b)
            state = .header(b == 0xB5 ? .ubx : .rtcm3)
        case 10:
            // Line endings between frames are no noise; a garbage line ends with its LF.
            if garbageCount > 0 {
                addGarbage(b)
                flushGarbage(emit)
            }
        case 13:
            if garbageCount > 0 { addGarbage(b) }
        default:
            addGarbage(b)
        }
    }

    /// One byte of the sentence in hand; false when the sentence has ended before it and the byte is
    /// to be read afresh.
    private mutating func sentence(_ b: UInt8, _ emit: (Output) -> Void) -> Bool {
        if b == 10 {
            keep(b)
            endSentence(emit)
        } else if b == 13 {
            if crs == 2 {
                // `\r\r\r`: the sentence ended at the second CR; the third is a blank line.
                endSentence(emit)
                return true
            }
            crs += 1
            keep(b)
        } else if crs > 0 || !Self.isText(b) {
            // A bare CR ended it, or a byte no sentence may hold (a binary frame's sync, noise).
            endSentence(emit)
            return false
        } else if dropped > 0 || buffer.count >= maxSentenceBytes {
            dropped += 1
        } else {
            buffer.append(b)
        }
        return true
    }

    @inline(__always)
    private mutating func keep(_ b: UInt8) {
        if dropped > 0 { dropped += 1 } else { buffer.append(b) }
    }

    private mutating func endSentence(_ emit: (Output) -> Void) {
        if dropped > 0 {
            emit(.overlong(head: exactCopy(), dropped: dropped))
        } else {
            var content = buffer.count
            while content > 0, buffer[content - 1] == 10 || buffer[content - 1] == 13 { content -= 1 }
            if let start = startInPush {
                // Every byte since the start character was kept, so they are the pushed bytes there.
                let from = pushed.startIndex + start
                emit(.sentence(bytes: pushed[from..<(from + buffer.count)], contentCount: content))
            } else {
                emit(.sentence(bytes: exactCopy()[...], contentCount: content))
            }
        }
        buffer.removeAll(keepingCapacity: true)
        startInPush = nil
        dropped = 0
        crs = 0
        state = .ground
    }

    /// An exact-size copy goes out and the buffer stays for the next sentence.
    private func exactCopy() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: buffer.count) { out, count in
            count = out.initialize(fromContentsOf: buffer)
        }
    }

    private mutating func addGarbage(_ b: UInt8) {
        if buffer.count < maxSentenceBytes { buffer.append(b) }
        garbageCount += 1
    }

    private mutating func flushGarbage(_ emit: (Output) -> Void) {
        guard garbageCount > 0 else { return }
        emit(.garbage(head: exactCopy(), count: garbageCount))
        buffer.removeAll(keepingCapacity: true)
        garbageCount = 0
    }

    private mutating func headerByte(_ kind: NMEABinaryFrame, _ b: UInt8, _ emit: (Output) -> Void) {
        header.append(b)
        switch kind {
        case .ubx:
            if header.count == 2, b != 0x62 { return rejectHeader(emit) }
            guard header.count == 6 else { return }
            let length = Int(header[4]) | Int(header[5]) << 8
            guard length <= Self.maxUBXPayload else { return rejectHeader(emit) }
            (ckA, ckB) = (0, 0)
            for h in header[2...] { ckA &+= h; ckB &+= ckA }
            startBody(kind, payload: length, check: 2)
        case .rtcm3:
            if header.count == 2, b & 0xFC != 0 { return rejectHeader(emit) }
            guard header.count == 3 else { return }
            crc = CRC24Q.compute(header)
            startBody(kind, payload: Int(header[1] & 3) << 8 | Int(header[2]), check: 3)
        }
    }

    private mutating func startBody(_ kind: NMEABinaryFrame, payload: Int, check: Int) {
        remaining = payload + check
        frameCount = header.count + remaining
        sent = 0
        header.removeAll(keepingCapacity: true)
        state = .body(kind)
    }

    /// Not a binary frame after all: its first byte is noise and the rest is read again, so a sentence
    /// or a real frame behind a false sync byte is still found.
    private mutating func rejectHeader(_ emit: (Output) -> Void) {
        let held = header
        header.removeAll(keepingCapacity: true)
        state = .ground
        addGarbage(held[0])
        for b in held.dropFirst() { step(b, emit) }
    }

    private mutating func bodyByte(_ kind: NMEABinaryFrame, _ b: UInt8, _ emit: (Output) -> Void) {
        let check = kind == .ubx ? 2 : 3
        if remaining > check {
            if kind == .ubx {
                ckA &+= b
                ckB &+= ckA
            } else {
                crc = CRC24Q.update(crc, b)
            }
        } else {
            sent = sent << 8 | UInt32(b)
        }
        remaining -= 1
        guard remaining == 0 else { return }
        let ok = kind == .ubx ? sent == UInt32(ckA) << 8 | UInt32(ckB) : sent == crc
        emit(ok ? .binary(kind, count: frameCount) : .corrupt(kind, count: frameCount))
        state = .ground
    }
}
