import HubModel

/// One protocol's frame-level decoding, for drivers whose frames `StreamFramer` cuts.
protocol FrameDecoder: Sendable {
    /// Where the next frame ends, or how much noise to skip.
    static func cut(_ bytes: ArraySlice<UInt8>) -> FrameCut
    /// Decodes one whole frame, already archived and counted: its readings and replies go to `steps`.
    mutating func decode(_ frame: ArraySlice<UInt8>, counters: inout DecodeCounters, into steps: inout [DriverStep])
    /// The unit the stream named, for protocols whose units log in.
    var unit: UnitLogin? { get }
}

extension FrameDecoder {
    var unit: UnitLogin? { nil }
}

/// The part every framed binary or marker protocol shares: feeding the framer, archiving every frame
/// and every run of noise, and counting them, so each driver keeps only its own decoding.
struct FramedStream<Decoder: FrameDecoder>: Sendable {
    private(set) var counters = DecodeCounters()
    var unit: UnitLogin? { decoder.unit }
    private var framer: StreamFramer
    private var decoder: Decoder

    /// Bytes the framer holds.
    var pendingBytes: Int { framer.pendingCount }

    init(_ decoder: Decoder, maxFrameBytes: Int) {
        self.decoder = decoder
        framer = StreamFramer(maxFrameBytes: maxFrameBytes)
    }

    /// New settings for the decoder and a new frame limit; the unfinished frame and the session
    /// (a unit's login, its verdict) are kept.
    mutating func reconfigure(maxFrameBytes: Int, _ change: (inout Decoder) -> Void) {
        framer.maxFrameBytes = max(16, maxFrameBytes)
        change(&decoder)
    }

    mutating func push(_ bytes: ArraySlice<UInt8>, into steps: inout [DriverStep]) {
        counters.bytes += bytes.count
        var framer = self.framer
        framer.push(bytes, cut: Decoder.cut) { handle($0, into: &steps) }
        self.framer = framer
    }

    mutating func finish(into steps: inout [DriverStep]) {
        var framer = self.framer
        framer.finish(cut: Decoder.cut) { handle($0, into: &steps) }
        self.framer = framer
    }

    private mutating func handle(_ output: StreamFramer.Output, into steps: inout [DriverStep]) {
        switch output {
        case .junk(let bytes, let reason):
            steps.append(.frame(bytes[...]))
            counters.countJunk(bytes, reason)
        case .frame(let bytes):
            counters.frames += 1
            steps.append(.frame(Array(bytes)[...]))
            decoder.decode(bytes, counters: &counters, into: &steps)
        }
    }
}
