import Foundation

// libFuzzer's entry points. The boundary to fuzz is named by FUZZ_TARGET; FUZZ_SEED_DIR, when set,
// receives the seeds before libFuzzer reads its corpus folders, and FUZZ_SHARED is ../shared/corpus.

private let targetName = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
private let target: FuzzTarget = {
    guard let t = targets[targetName] else {
        fatalError("FUZZ_TARGET must be one of \(targets.keys.sorted()), not '\(targetName)'")
    }
    return t
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let env = ProcessInfo.processInfo.environment
    // `scripts/fuzz.sh` asks for the targets' names (a new family's protocols are fuzzed by default).
    if env["FUZZ_TARGET"] == "--list" {
        print(targetNames.joined(separator: " "))
        exit(0)
    }
    guard let dir = env["FUZZ_SEED_DIR"] else { return 0 }
    let shared = URL(fileURLWithPath: env["FUZZ_SHARED"] ?? "../shared/corpus")
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (i, seed) in target.seeds(shared).enumerated() {
        // Two leading bytes pick the chunking; the seed itself follows.
        let bytes: [UInt8] = target.chunked ? [UInt8(i & 0xFF), 7] + seed : seed
        _ = FileManager.default.createFile(atPath: "\(dir)/seed-\(i)", contents: Data(bytes))
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    target.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
