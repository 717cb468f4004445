import HubPackage
import Testing

/// The package's tar: what the writer makes, the reader reads back; anything else it refuses by name.
@Suite struct TarReaderTests {
    static func archive() throws -> [UInt8] {
        var w = TarWriter(mtime: 1_795_000_000)
        try w.add("manifest.json", Array("{}\n".utf8))
        try w.add("raw/abc.bin", Array(repeating: 7, count: 513))
        try w.add("empty", [])
        return w.finished()
    }

    @Test func readsBackWhatWasWritten() throws {
        let tar = try TarReader(try Self.archive())
        #expect(tar.members.map(\.name) == ["manifest.json", "raw/abc.bin", "empty"])
        #expect(tar.content("raw/abc.bin").map(Array.init) == Array(repeating: 7, count: 513))
        #expect(tar.content("empty")?.isEmpty == true)
        #expect(tar.content("nope") == nil)
    }

    @Test func refusesNamesThatCouldEscapeOrRepeat() throws {
        var w = TarWriter(mtime: 0)
        for bad in ["../etc/passwd", "/abs", "a//b", "a/./b", "", "sp ace", String(repeating: "x", count: 101)] {
            #expect(throws: TarError.self, "\(bad)") { try w.add(bad, []) }
        }
        try w.add("a", [])
        #expect(throws: TarError(member: "a", problem: "is already in the archive")) { try w.add("a", []) }
    }

    @Test func refusesAChangedHeaderATruncationAndTrailingBytes() throws {
        var bytes = try Self.archive()
        bytes[0] = UInt8(ascii: "n")  // the first name, without fixing the checksum
        #expect(throws: TarError(member: "nanifest.json", problem: "its tar header's checksum does not hold: the header was changed")) {
            try TarReader(bytes)
        }
        let whole = try Self.archive()
        #expect(throws: TarError.self) { try TarReader(Array(whole.prefix(whole.count - 512))) }
        #expect(throws: TarError(member: nil, problem: "bytes follow the end-of-archive blocks")) { try TarReader(whole + [1]) }
        #expect(throws: TarError.self) { try TarReader(Array(whole.prefix(700))) }
    }

    @Test func aSizeBeyondTheArchiveIsRefusedBeforeAnythingIsRead() throws {
        var bytes = try Self.archive()
        // Size field of the first header: 11 octal digits of 7s (8 GiB), checksum fixed up.
        for i in 124..<135 { bytes[i] = UInt8(ascii: "7") }
        for i in 148..<156 { bytes[i] = 32 }
        let sum = bytes[0..<512].reduce(0) { $0 + Int($1) }
        let digits = Array(String(sum, radix: 8).utf8)
        for i in 0..<6 { bytes[148 + i] = i < 6 - digits.count ? 48 : digits[i - (6 - digits.count)] }
        bytes[154] = 0
        #expect(throws: TarError(member: "manifest.json", problem: "its size runs past the end of the archive")) { try TarReader(bytes) }
    }

    @Test func refusesMoreMembersThanAllowed() throws {
        #expect(throws: TarError(member: nil, problem: "holds more than 2 members")) { try TarReader(try Self.archive(), maxMembers: 2) }
    }
}
