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

extension FaultOptions {
    /// For file devices a duplicate is a second file with the same content, not doubled bytes.
    var withoutDuplicates: FaultOptions {
        var f = self
        f.duplicate = 0
        return f
    }
}
