import Foundation
import Glibc
// stat's members resolve through CoreFoundation once X509 (HubPackage) is in the module graph.
#if canImport(CoreFoundation)
import CoreFoundation
#endif

/// A captured feed read whole into one byte array, for `niihub decode`.
enum CaptureFile {
    /// The bytes of `path` (`-`: standard input), read straight into the array the decoder takes:
    /// no `Data` to copy them out of, and a regular file (a redirected stdin too) in one allocation.
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return try readAll(FileHandle.standardInput.fileDescriptor) }
        // Opening through FileHandle keeps Foundation's wording for a missing or unreadable file.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        return try readAll(handle.fileDescriptor)
    }

    private static func readAll(_ fd: Int32) throws -> [UInt8] {
        var info = stat()
        // Pipes and terminals report no size: they are read in parts that double.
        let size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0
        // One byte over the size: seeing the end of the file takes a read past it.
        var part = max(size + 1, 1 << 16)
        var out: [UInt8] = []
        while true {
            var ended = false
            let bytes = try [UInt8](unsafeUninitializedCapacity: part) { buf, count in
                count = 0
                while count < buf.count {
                    let n = Glibc.read(fd, buf.baseAddress! + count, buf.count - count)
                    if n == 0 {
                        ended = true
                        return
                    }
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                    }
                    count += n
                }
            }
            if out.isEmpty { out = bytes } else { out += bytes }
            if ended { return out }
            part = max(part, out.count)
        }
    }

    /// Writes `bytes` to standard output straight from the array (FileHandle would copy them into
    /// a `Data` first).
    static func writeStandardOutput(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                done += n
            }
        }
    }
}
