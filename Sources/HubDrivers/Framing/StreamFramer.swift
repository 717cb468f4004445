import HubModel

/// How a protocol's framing reads the start of the bytes held so far.
enum FrameCut: Equatable {
    /// A frame of this many bytes starts here and is complete.
    case frame(Int)
    /// A frame may start here but needs this many bytes in all before it can be judged.
    case need(Int)
    /// No frame starts in the first `n` bytes (n ≥ 1): they are noise to skip.
    case skip(Int)
}

/// Cuts a binary or marker-delimited stream into frames with a protocol's `FrameCut` rule, holding at
/// most `maxFrameBytes` of an unfinished frame. Bytes that are no frame are handed on in runs
/// (at most `maxJunkBytes` each) so they are archived and counted, not silently dropped.
struct StreamFramer {
    enum Output {
        case frame(ArraySlice<UInt8>)
        /// Bytes that are no frame, and why: noise (`garbage`), a header announcing more than the limit
        /// (`overlong`), or a frame cut short by the end of input (`malformed`).
        case junk([UInt8], DecodeCounters.Reject)
    }

    var maxFrameBytes: Int
    let maxJunkBytes = 256
    private var buffer: [UInt8] = []
    private var junk: [UInt8] = []
    private var junkReason = DecodeCounters.Reject.garbage

    init(maxFrameBytes: Int) {
        self.maxFrameBytes = max(16, maxFrameBytes)
    }

    /// Bytes held for an unfinished frame or an unreported run of noise.
    var pendingCount: Int { buffer.count + junk.count }

    mutating func push(
        _ bytes: ArraySlice<UInt8>, cut: (ArraySlice<UInt8>) -> FrameCut, _ emit: (Output) -> Void
    ) {
        buffer.append(contentsOf: bytes)
        scan(atEnd: false, cut: cut, emit)
        // A quiet line should not hold noise back once no frame is waiting behind it.
        if buffer.isEmpty { flushJunk(emit) }
    }

    /// End of input: nothing more will come, so a header still waiting for its frame was a false start
    /// or a frame cut short. Its bytes are reported as `malformed` and the rest is scanned again, so a
    /// whole frame behind a false header is still found.
    mutating func finish(cut: (ArraySlice<UInt8>) -> FrameCut, _ emit: (Output) -> Void) {
        scan(atEnd: true, cut: cut, emit)
        flushJunk(emit)
    }

    private mutating func scan(atEnd: Bool, cut: (ArraySlice<UInt8>) -> FrameCut, _ emit: (Output) -> Void) {
        var pos = 0
        scanning: while pos < buffer.count {
            let rest = buffer[pos...]
            switch cut(rest) {
            case .frame(let n) where n > 0 && n <= rest.count:
                flushJunk(emit)
                emit(.frame(rest.prefix(n)))
                pos += n
            case .skip(let n):
                for b in rest.prefix(max(1, n)) { addJunk(b, .garbage, emit) }
                pos += max(1, min(n, rest.count))
            case .need(let n) where !atEnd && n <= maxFrameBytes:
                break scanning
            case .need(let n):
                // A header promising more than any frame may hold is noise; at the end of input a frame
                // still waiting was cut short. Either way its first byte goes, and scanning resumes after it.
                addJunk(buffer[pos], n > maxFrameBytes ? .overlong : .malformed, emit)
                pos += 1
            case .frame:
                addJunk(buffer[pos], .garbage, emit)
                pos += 1
            }
        }
        // Slices of the buffer were just handed out, so shifting it in place would copy it at its
        // full capacity; what is left is copied alone instead, and a large read's capacity is not
        // kept for the rest of the link's life.
        if pos == buffer.count {
            buffer = []
        } else if pos > 0 {
            buffer = Array(buffer[pos...])
        }
    }

    private mutating func addJunk(_ b: UInt8, _ reason: DecodeCounters.Reject, _ emit: (Output) -> Void) {
        // The most telling reason wins for a run: a cut frame or an oversized header over plain noise.
        if reason != .garbage { junkReason = reason }
        junk.append(b)
        if junk.count >= maxJunkBytes { flushJunk(emit) }
    }

    private mutating func flushJunk(_ emit: (Output) -> Void) {
        guard !junk.isEmpty else { return }
        emit(.junk(junk, junkReason))
        junk.removeAll(keepingCapacity: true)
        junkReason = .garbage
    }
}

extension DecodeCounters {
    /// Counts a run of non-frame bytes as one rejected frame, unless it is only line-ending whitespace
    /// (the CR LF many devices put between frames).
    mutating func countJunk(_ bytes: [UInt8], _ reason: DecodeCounters.Reject) {
        guard bytes.contains(where: { $0 != 13 && $0 != 10 && $0 != 32 }) else { return }
        frames += 1
        reject(reason)
    }
}
