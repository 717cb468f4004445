#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

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
                    let n = systemRead(fd, buf.baseAddress! + count, buf.count - count)
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
                let n = systemWrite(1, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                done += n
            }
        }
    }

    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
        #else
        Darwin.write(fd, buffer, count)
        #endif
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(fd, buffer, count)
        #else
        Darwin.read(fd, buffer, count)
        #endif
    }
}
