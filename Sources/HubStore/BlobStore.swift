import Crypto
import Foundation

/// Content-addressed files (scanner images: UFF, DICOS, JPEG …) kept as they came, under their
/// SHA-256, in a folder beside the database. A blob is written to a temporary name, synced, then
/// renamed into place and its folder synced, so a name that exists always holds the whole file and
/// survives a power cut once `put` returns.
public struct BlobStore: Sendable {
    public let root: String

    public init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// The store for a SQLite file: `<name>-blobs/` beside it.
    public init(besideStore storePath: String) throws {
        try self.init(root: (storePath as NSString).deletingPathExtension + "-blobs")
    }

    public func path(_ sha256: String) -> String {
        (root as NSString).appendingPathComponent("\(sha256.prefix(2))/\(sha256)")
    }

    public func contains(_ sha256: String) -> Bool { FileManager.default.fileExists(atPath: path(sha256)) }

    public func read(_ sha256: String) -> Data? {
        guard Self.isHash(sha256) else { return nil }
        return FileManager.default.contents(atPath: path(sha256))
    }

    /// Stores `bytes`, returning their hex SHA-256 (a blob already there is left as it is).
    @discardableResult
    public func put(_ bytes: Data) throws -> String {
        let writer = try writer()
        try bytes.withUnsafeBytes { try writer.write($0) }
        return try writer.finish()
    }

    public static func isHash(_ s: String) -> Bool {
        s.count == 64 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
