/// Writes a POSIX ustar archive (IEEE Std 1003.1 `ustar`): regular files only, in the order given,
/// each a 512-byte header and its bytes padded to 512, then two zero blocks. Any `tar` reads it
/// (`tar -xf package.niipkg`); the package's members are named so that they need no extensions.
public struct TarWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var names: Set<String> = []

    /// A fixed modification time, so two exports of the same evidence are the same bytes up to
    /// the manifest's own fields.
    private let mtime: Int

    public init(mtime: Int) { self.mtime = mtime }

    /// Adds a regular file; `name` must pass `TarName.check` and be new to the archive.
    public mutating func add(_ name: String, _ content: [UInt8]) throws(TarError) {
        if let problem = TarName.problem(name) { throw TarError(member: name, problem: problem) }
        guard names.insert(name).inserted else { throw TarError(member: name, problem: "is already in the archive") }
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (i, b) in text.utf8.prefix(width).enumerated() { header[offset + i] = b }
        }
        func octal(_ value: Int, at offset: Int, width: Int) {
            // width-1 digits and a NUL, as ustar writes numeric fields.
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(content.count, at: 124, width: 12)
        octal(mtime, at: 136, width: 12)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        // The checksum is summed with its own field as eight spaces.
        for i in 148..<156 { header[i] = 32 }
        let sum = header.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, at: 148, width: 6)
        header[154] = 0
        header[155] = 32
        bytes += header
        bytes += content
        bytes += [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
    }

    /// The archive with its end-of-archive marker.
    public func finished() -> [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }
}

/// Member names a package may hold: relative, `/`-separated, of letters, digits and `._-`, no
/// empty, `.` or `..` component, at most 100 bytes (the ustar name field, so no prefix field).
public enum TarName {
    public static func problem(_ name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 100 else { return "must be 1 to 100 bytes long" }
        guard name.utf8.allSatisfy({ isAllowed($0) }) else { return "may hold only letters, digits, '/', '.', '_' and '-'" }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            return "must be a relative path without empty, '.' or '..' parts"
        }
        return nil
    }

    private static func isAllowed(_ b: UInt8) -> Bool {
        (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || b == 46 || b == 95 || b == 45 || b == 47
    }
}

/// A member or archive that cannot be written or read, named.
public struct TarError: Error, Equatable, CustomStringConvertible {
    /// The member concerned, or nil for the archive as a whole.
    public var member: String?
    public var problem: String

    public init(member: String?, problem: String) {
        self.member = member
        self.problem = problem
    }

    public var description: String { member.map { "\($0): \(problem)" } ?? problem }
}
