import Foundation

/// A device that delivers results as files: each is written under a dot name and renamed into
/// place, so the hub never reads half a file.
struct FolderOutput: Sendable {
    let folder: String

    init(_ folder: String) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Writes `bytes` as `name` (atomically visible); returns the final path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8], subfolder: String? = nil) throws -> String {
        let dir = subfolder.map { (folder as NSString).appendingPathComponent($0) } ?? folder
        if subfolder != nil { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let final = (dir as NSString).appendingPathComponent(name)
        let temp = (dir as NSString).appendingPathComponent("." + name + ".tmp")
        try Data(bytes).write(to: URL(fileURLWithPath: temp))
        guard rename(temp, final) == 0 else { throw CocoaError(.fileWriteUnknown) }
        return final
    }
}

extension FolderOutput {
    /// A duplicate delivery: the same file under the same name again, once the reader has taken the
    /// first (or after 3 s), as an adapter re-sends a result it is not sure arrived.
    func redeliver(_ name: String, _ bytes: [UInt8]) async throws {
        let path = (folder as NSString).appendingPathComponent(name)
        let deadline = ContinuousClock.now + .seconds(3)
        while FileManager.default.fileExists(atPath: path), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try write(name, bytes)
    }
}

extension FaultOptions {
    /// For file devices a duplicate is the same file delivered twice, not doubled bytes.
    var withoutDuplicates: FaultOptions {
        var f = self
        f.duplicate = 0
        return f
    }
}
