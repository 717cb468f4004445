import HubModel

/// Cuts a byte stream into LF-terminated lines (a CR before the LF is part of the terminator), never
/// holding more than `maxLineBytes` of one line: the rest of an over-long line is dropped and reported.
public struct LineFramer: Sendable {
    public enum Output: Sendable, Equatable {
        /// A line's exact bytes, terminator included (what the archive keeps); the first
        /// `contentCount` bytes are the line without CR LF.
        case line(bytes: [UInt8], contentCount: Int)
        /// A line longer than the limit: its first `maxLineBytes` bytes, and how many were dropped.
        case overlong(head: [UInt8], dropped: Int)
    }

    public private(set) var maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var dropping = 0

    public init(maxLineBytes: Int) {
        self.maxLineBytes = max(8, maxLineBytes)
        buffer.reserveCapacity(min(self.maxLineBytes + 2, 4096))
    }

    /// A new limit for lines from now on; the unfinished line is kept (cut if past the new limit).
    public mutating func limit(maxLineBytes: Int) { self.maxLineBytes = max(8, maxLineBytes) }

    /// Bytes held for an unfinished line.
    public var pendingCount: Int { buffer.count }

    public mutating func push(_ bytes: ArraySlice<UInt8>, _ emit: (Output) -> Void) {
        for b in bytes {
            if b == 10 {
                buffer.append(b)
                end(emit)
            } else if dropping > 0 || buffer.count > maxLineBytes {
                // One byte of slack past the limit holds a CR that may precede the LF.
                dropping += 1
            } else {
                buffer.append(b)
            }
        }
    }

    /// End of input: a trailing line without terminator still counts.
    public mutating func finish(_ emit: (Output) -> Void) {
        if !buffer.isEmpty || dropping > 0 { end(emit) }
    }

    private mutating func end(_ emit: (Output) -> Void) {
        var content = buffer.count
        if content > 0, buffer[content - 1] == 10 { content -= 1 }
        if content > 0, buffer[content - 1] == 13 { content -= 1 }
        if dropping > 0 || content > maxLineBytes {
            let head = Array(buffer.prefix(maxLineBytes))
            emit(.overlong(head: head, dropped: buffer.count - head.count + dropping))
        } else if content > 0 {
            // An exact-size copy goes out and the buffer stays for the next line: a line handed on
            // never carries the capacity of the longest line the link has sent.
            let line = [UInt8](unsafeUninitializedCapacity: buffer.count) { out, count in
                count = out.initialize(fromContentsOf: buffer)
            }
            emit(.line(bytes: line, contentCount: content))
        }
        buffer.removeAll(keepingCapacity: buffer.capacity <= 16 * 1024)
        dropping = 0
    }
}

extension LineFramer.Output {
    /// What every line driver does first with a framer's output: archive its bytes as a frame and
    /// count it (an over-long line as rejected). Returns the line's content when there is one to decode.
    func archive(counters: inout DecodeCounters, steps: inout [DriverStep]) -> ArraySlice<UInt8>? {
        counters.frames += 1
        switch self {
        case .overlong(let head, _):
            steps.append(.frame(head[...]))
            counters.reject(.overlong)
            return nil
        case .line(let bytes, let contentCount):
            steps.append(.frame(bytes[...]))
            return bytes[..<contentCount]
        }
    }
}
