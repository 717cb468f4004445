import HubModel

#if canImport(Glibc)
import Glibc
#endif

/// Reads one file out of a drop folder without trusting what is in the folder: every path component
/// is opened with `O_NOFOLLOW` below the folder, so a symbolic link is never followed out of it;
/// only a regular file is opened at all (a FIFO would block the reader forever, a device node has
/// side effects when opened); and the bytes are capped on the open descriptor itself, not on a size
/// looked up beforehand: at most `maxBytes + 1` are read, so a file that grows while it is read is
/// refused, not read whole.
public enum FileDropRead {
    /// What became of one file.
    public enum Outcome: Equatable, Sendable {
        /// The whole file, at most `maxBytes`.
        case bytes([UInt8])
        /// Not read (or not kept), why, and the counter it adds to.
        case refused(String, DecodeCounters.Reject)
        /// Nothing to take: gone since it was listed, or a directory (the folder's own `processed/`…).
        case skip
    }

    /// Reads `relative` (one or more components, none of them `.`, `..` or empty) inside `folder`.
    public static func read(_ relative: String, in folder: String, maxBytes: Int) -> Outcome {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let last = parts.last, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            return .refused("not a plain name inside the folder", .refused)
        }
        // The folder itself is the operator's configuration, so a link there is followed.
        var dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { return .refused("cannot open the folder: \(errorText())", .refused) }
        defer { close(dir) }
        for part in parts.dropLast() {
            var st = stat()
            guard fstatat(dir, part, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return errno == ENOENT ? .skip : .refused("\(part): \(errorText())", .refused) }
            guard st.st_mode & S_IFMT == S_IFDIR else {
                return .refused("\(part)/ is \(kind(st.st_mode)), not a folder: not followed", .refused)
            }
            let next = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { return .refused("\(part)/: \(errorText())", .refused) }
            close(dir)
            dir = next
        }
        var named = stat()
        guard fstatat(dir, last, &named, AT_SYMLINK_NOFOLLOW) == 0 else {
            return errno == ENOENT ? .skip : .refused("cannot look at the file: \(errorText())", .refused)
        }
        switch named.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .skip
        default: return .refused("\(kind(named.st_mode)), not a regular file: not opened", .refused)
        }
        // O_NONBLOCK: should a FIFO be swapped in after the look above, opening it does not wait for a writer.
        let fd = openat(dir, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return .skip }
            if errno == ELOOP { return .refused("a symbolic link, not a regular file: not opened", .refused) }
            return .refused("cannot open: \(errorText())", .refused)
        }
        defer { close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0, opened.st_mode & S_IFMT == S_IFREG, opened.st_dev == named.st_dev,
            opened.st_ino == named.st_ino
        else {
            return .refused("replaced while it was being opened: not read", .refused)
        }
        if opened.st_size > maxBytes {
            return .refused("larger than maxFileBytes (\(opened.st_size) > \(maxBytes)): not read", .overlong)
        }
        // The size fstat gave is a hint only (a file may still grow, /proc files say 0): read until
        // the end, but never more than one byte past the cap.
        let limit = maxBytes + 1
        var buffer = [UInt8](repeating: 0, count: min(limit, max(Int(opened.st_size) + 1, 4096)))
        var count = 0
        while true {
            if count == buffer.count {
                if buffer.count == limit { break }
                buffer += [UInt8](repeating: 0, count: min(limit - buffer.count, buffer.count))
            }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .refused("cannot read: \(errorText())", .refused)
            }
            if n == 0 { break }
            count += n
        }
        if count > maxBytes {
            return .refused("grew past maxFileBytes (\(maxBytes)) while being read: not taken", .overlong)
        }
        buffer.removeSubrange(count...)
        return .bytes(buffer)
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a folder"
        default: "not a regular file"
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
