import Foundation
import HubDrivers
import HubModel

/// What one pass of a driver over an input gave.
struct DriverPass {
    var frames: [[UInt8]] = []
    var readings: [DeviceReading] = []
    var replies: [[UInt8]] = []
    var answers: [UnitAnswer] = []
    var counters = DecodeCounters()
    var maxPending = 0
}

/// A driver's whole decode path under hostile bytes: the input (after two bytes that pick the
/// chunking) is fed whole and in random chunks; both passes must agree and keep every invariant.
func driverTarget(_ protocolName: String, seeds: @escaping @Sendable (URL) -> [[UInt8]]) -> FuzzTarget {
    FuzzTarget(run: { data in
        guard data.count >= 2 else { return }
        let stream = Array(data.dropFirst(2))
        var chunks = ChunkSizes(seed: UInt64(data[0]) << 8 | UInt64(data[1]))
        let whole = decode(protocolName, stream, chunkSizes: { stream.count })
        let cut = decode(protocolName, stream, chunkSizes: { Int(chunks.next() % 64) + 1 })
        for pass in [whole, cut] {
            check(pass.counters.bytes == stream.count, "\(protocolName): counted \(pass.counters.bytes) of \(stream.count) bytes")
            check(pass.maxPending <= pendingLimit(protocolName), "\(protocolName): held \(pass.maxPending) bytes")
            check(pass.counters.readings == pass.readings.count,
                  "\(protocolName): \(pass.counters.readings) readings counted, \(pass.readings.count) handed on")
            let archived = pass.frames.reduce(0) { $0 + $1.count }
            check(archived <= stream.count, "\(protocolName): archived \(archived) of \(stream.count) bytes")
            check(pass.counters.frames <= pass.frames.count, "\(protocolName): more frames counted than archived")
            if framedEveryByte.contains(protocolName) {
                check(archived == stream.count, "\(protocolName): archived \(archived) of \(stream.count) bytes")
                check(pass.frames.joined().elementsEqual(stream), "\(protocolName): archive differs from the input")
            }
        }
        check(whole.readings == cut.readings, "\(protocolName): readings depend on how the bytes were chunked")
        check(whole.replies == cut.replies, "\(protocolName): replies depend on how the bytes were chunked")
        check(whole.answers == cut.answers, "\(protocolName): command answers depend on how the bytes were chunked")
        // Runs of noise (garbage, a false header, a cut frame) are reported as they arrive, so how many
        // there are and which reason a run gets follow the chunking; what whole frames decode to must not.
        let framed: Set<String> = ["checksum", "refused"]
        let (w, c) = (whole.counters.rejected.filter { framed.contains($0.key) }, cut.counters.rejected.filter { framed.contains($0.key) })
        check(w == c, "\(protocolName): rejects depend on chunking: \(w) vs \(c)")
        check(whole.counters.unknownCodes == cut.counters.unknownCodes, "\(protocolName): unknown codes depend on chunking")
    }, seeds: seeds)
}

/// Binary and marker protocols archive every byte, frame or noise, in order.
let framedEveryByte: Set<String> = ["gt06", "teltonika", "eseal"]

/// The most a driver may hold between pushes, from its own frame limit.
func pendingLimit(_ protocolName: String) -> Int {
    switch protocolName {
    case "n42": return fuzzN42Limit + 64
    case "scan", "bag-scan": return ScanResultDriver.maxDocumentBytes + 1
    case "nmea": return NMEADriver.maxSentenceBytes + 2
    case "gt06": return max(DriverOptions().maxFrameBytes, GT06Driver.minimumFrameLimit) + 256
    case "teltonika": return max(DriverOptions().maxFrameBytes, TeltonikaDriver.minimumFrameLimit) + 256
    default: return DriverOptions().maxFrameBytes + 256
    }
}

/// A small document limit so the fuzzer reaches the over-long path of the N42 driver.
let fuzzN42Limit = 1024

private func decode(_ protocolName: String, _ stream: [UInt8], chunkSizes: () -> Int) -> DriverPass {
    var driver: any DeviceDriver = protocolName == "n42"
        ? N42Driver(maxDocumentBytes: fuzzN42Limit) : DriverCatalog.make(protocolName)!
    var pass = DriverPass()
    var steps: [DriverStep] = []
    let at = Date(timeIntervalSince1970: 1_767_225_600)
    var offset = 0
    while offset < stream.count {
        let n = min(max(1, chunkSizes()), stream.count - offset)
        driver.push(stream[offset..<offset + n], receivedAt: at, into: &steps)
        pass.maxPending = max(pass.maxPending, driver.pendingBytes)
        offset += n
    }
    driver.finish(receivedAt: at, into: &steps)
    check(driver.pendingBytes == 0 || protocolName == "n42", "\(protocolName): \(driver.pendingBytes) bytes left after finish")
    for step in steps {
        switch step {
        case .frame(let f): pass.frames.append(Array(f))
        case .reading(let r, _): pass.readings.append(r)
        case .reply(let r): pass.replies.append(r)
        case .answer(let a): pass.answers.append(a)
        }
    }
    pass.counters = driver.counters
    return pass
}

/// Chunk sizes from a linear congruential sequence: a function of the input, so a crash reproduces.
struct ChunkSizes {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
}
