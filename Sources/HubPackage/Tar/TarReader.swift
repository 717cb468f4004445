/// Reads the archives `TarWriter` writes, and refuses anything else: every header's checksum must
/// hold, every member must be a regular file with a name `TarName` allows, no name twice, no more
/// than `maxMembers`, every size within what is left of the archive, and the archive must end in
/// its zero blocks. It only slices the bytes it was given, so a hostile archive cannot make it
/// allocate more than their size.
public struct TarReader: Sendable {
    public struct Member: Sendable, Equatable {
        public var name: String
        /// Where the member's content starts in the archive, and its length.
        public var offset: Int
        public var size: Int
    }

    public let members: [Member]
    private let archive: [UInt8]

    public init(_ archive: [UInt8], maxMembers: Int = 100_000) throws(TarError) {
        self.archive = archive
        var members: [Member] = []
        var names: Set<String> = []
        var at = 0
        while true {
            guard at + 512 <= archive.count else { throw TarError(member: nil, problem: "the archive ends without its end-of-archive blocks") }
            let header = archive[at..<at + 512]
            if header.allSatisfy({ $0 == 0 }) {
                guard at + 1024 <= archive.count, archive[at + 512..<at + 1024].allSatisfy({ $0 == 0 }) else {
                    throw TarError(member: nil, problem: "a zero block is not followed by a second one")
                }
                guard archive[(at + 1024)...].allSatisfy({ $0 == 0 }) else {
                    throw TarError(member: nil, problem: "bytes follow the end-of-archive blocks")
                }
                break
            }
            let name = try Self.name(header, at: at)
            guard try Self.octal(header, 148, 8, name) == Self.checksum(header) else {
                throw TarError(member: name, problem: "its tar header's checksum does not hold: the header was changed")
            }
            guard header[header.startIndex + 156] == UInt8(ascii: "0") else { throw TarError(member: name, problem: "is not a regular file") }
            guard Array(header[(header.startIndex + 257)..<(header.startIndex + 262)]) == Array("ustar".utf8) else {
                throw TarError(member: name, problem: "its header is not a ustar header")
            }
            guard header[(header.startIndex + 345)..<(header.startIndex + 500)].allSatisfy({ $0 == 0 }) else {
                throw TarError(member: name, problem: "uses the ustar name prefix, which packages do not")
            }
            let size = try Self.octal(header, 124, 12, name)
            let start = at + 512
            guard size <= archive.count - start else { throw TarError(member: name, problem: "its size runs past the end of the archive") }
            guard names.insert(name).inserted else { throw TarError(member: name, problem: "appears twice in the archive") }
            guard members.count < maxMembers else { throw TarError(member: nil, problem: "holds more than \(maxMembers) members") }
            members.append(Member(name: name, offset: start, size: size))
            at = start + (size + 511) / 512 * 512
        }
        self.members = members
    }

    /// A member's bytes, or nil when the archive has no such member.
    public func content(_ name: String) -> ArraySlice<UInt8>? {
        guard let m = members.first(where: { $0.name == name }) else { return nil }
        return archive[m.offset..<m.offset + m.size]
    }

    private static func name(_ header: ArraySlice<UInt8>, at: Int) throws(TarError) -> String {
        let field = header[header.startIndex..<header.startIndex + 100]
        let bytes = field.prefix { $0 != 0 }
        guard field.dropFirst(bytes.count).allSatisfy({ $0 == 0 }), let name = String(validating: bytes, as: UTF8.self) else {
            throw TarError(member: nil, problem: "the member header at byte \(at) has an unreadable name")
        }
        if let problem = TarName.problem(name) { throw TarError(member: name, problem: "name " + problem) }
        return name
    }

    /// An octal field: digits, then NUL or space padding; at most 11 digits (8 GiB).
    private static func octal(_ header: ArraySlice<UInt8>, _ offset: Int, _ width: Int, _ name: String) throws(TarError) -> Int {
        let field = header[(header.startIndex + offset)..<(header.startIndex + offset + width)]
        let digits = field.prefix { (48...55).contains($0) }
        guard !digits.isEmpty, digits.count <= 11, field.dropFirst(digits.count).allSatisfy({ $0 == 0 || $0 == 32 }) else {
            throw TarError(member: name, problem: "its tar header holds an unreadable number at byte \(offset)")
        }
        return digits.reduce(0) { $0 * 8 + Int($1 - 48) }
    }

    private static func checksum(_ header: ArraySlice<UInt8>) -> Int {
        header.enumerated().reduce(0) { sum, e in sum + ((148..<156).contains(e.offset) ? 32 : Int(e.element)) }
    }
}
