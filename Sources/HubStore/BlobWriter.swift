import Crypto
import Foundation
import HubModel

extension BlobStore {
    /// A blob written as it arrives: each chunk goes to a temporary file and into the hash, so an
    /// image of hundreds of megabytes never sits in memory whole. `finish` makes it durable under its
    /// SHA-256 (as `put` does); `abandon` removes what was written. A writer is used by one task.
    public final class Writer {
        private let store: BlobStore
        private let tmp: String
        private var fd: Int32
        private var hasher = SHA256()
        /// Bytes written so far.
        public private(set) var count = 0

        init(store: BlobStore) throws {
            self.store = store
            let dir = (store.root as NSString).appendingPathComponent(".incoming")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            tmp = dir + "/\(UUID().uuidString)"
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp]) }
        }

        deinit { abandon() }

        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            hasher.update(bufferPointer: bytes)
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp])
                }
                offset += n
            }
            count += bytes.count
        }

        /// Synced, renamed under its hash and its folder synced; the hex SHA-256. A blob already
        /// there is kept as it is and this copy dropped.
        public func finish() throws -> String {
            let sha = Hex.encode(hasher.finalize())
            guard fsync(fd) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp]) }
            close(fd)
            fd = -1
            let final = store.path(sha)
            if FileManager.default.fileExists(atPath: final) {
                unlink(tmp)
                return sha
            }
            let dir = (final as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            guard rename(tmp, final) == 0 else {
                unlink(tmp)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final])
            }
            try BlobStore.syncFolder(dir)
            return sha
        }

        /// As `finish`, but only when the bytes' SHA-256 is `expected` (a forwarded image named by its
        /// hash); otherwise nothing is kept and the answer is nil.
        public func finish(expecting expected: String) throws -> String? {
            guard Hex.encode(hasher.finalize()) == expected else {
                abandon()
                return nil
            }
            return try finish()
        }

        /// Drops what was written (a body cut short, or past the cap).
        public func abandon() {
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            unlink(tmp)
        }
    }

    /// A writer for one incoming blob.
    public func writer() throws -> Writer { try Writer(store: self) }

    /// The rename of a file into `dir` is durable only once the folder is synced.
    static func syncFolder(_ dir: String) throws {
        let folder = open(dir, O_RDONLY | O_DIRECTORY)
        guard folder >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: dir]) }
        defer { close(folder) }
        guard fsync(folder) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: dir]) }
    }
}
