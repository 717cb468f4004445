import HubDrivers

/// The line framer alone, at a limit the first byte picks: every byte is a line, an over-long line's
/// head or drop count, or part of an empty line; nothing it holds or hands on passes the limit.
enum FramerChecks {
    @Sendable static func run(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let stream = data.dropFirst(2)
        var framer = LineFramer(maxLineBytes: Int(data[0] % 120))
        let limit = framer.maxLineBytes
        var accounted = 0
        let emit = { (out: LineFramer.Output) in
            switch out {
            case .line(let bytes, let content):
                check(content > 0 && content <= limit, "line content \(content) past limit \(limit)")
                check(bytes.count - content <= 2, "terminator of \(bytes.count - content) bytes")
                check(!bytes[..<content].contains(10), "a line holds a line feed")
                accounted += bytes.count
            case .overlong(let head, let dropped):
                check(head.count <= limit, "over-long head of \(head.count) past limit \(limit)")
                check(dropped > 0, "an over-long line dropped nothing")
                accounted += head.count + dropped
            }
        }
        var chunks = ChunkSizes(seed: UInt64(data[1]))
        var offset = stream.startIndex
        while offset < stream.endIndex {
            let n = min(Int(chunks.next() % 48) + 1, stream.endIndex - offset)
            framer.push(stream[offset..<offset + n], emit)
            check(framer.pendingCount <= limit + 1, "framer holds \(framer.pendingCount) bytes, limit \(limit)")
            offset += n
        }
        framer.finish(emit)
        check(framer.pendingCount == 0, "bytes left after finish")
        let silent = stream.count - accounted
        let lineEnds = stream.filter { $0 == 10 || $0 == 13 }.count
        check(silent >= 0 && silent <= lineEnds, "\(silent) bytes unaccounted, \(lineEnds) line-end bytes")
    }
}
