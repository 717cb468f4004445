import Foundation
import HubAppTesting
import HubIngest
import HubModel
import HubTesting
import HubTransports
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a drop folder may hold besides honest files: links out of it, FIFOs, device nodes, files
/// larger than the cap or growing past it. Real files in a real folder, the reader and the service.
@Suite(.timeLimit(.minutes(3)))
struct FileDropSafetyTests {
    static let occupancy = "GS,000070,000071,000072,000073\r\nGA,000300,000250,000070,000070\r\nGX,%06d,006383,000000,000000\r\n"

    @Test func aSymbolicLinkIsNeverFollowedOutOfTheFolder() throws {
        let dir = try TemporaryDirectory("drop-read")
        try FileManager.default.createDirectory(atPath: dir.path("inbox"), withIntermediateDirectories: true)
        try dir.write("secret.csv", "outside the folder")
        try FileManager.default.createSymbolicLink(atPath: dir.path("inbox/linked.csv"), withDestinationPath: dir.path("secret.csv"))
        let linked = FileDropRead.read("linked.csv", in: dir.path("inbox"), maxBytes: 1 << 20)
        #expect(linked == .refused("a symbolic link, not a regular file: not opened", .refused))
        // A linked folder on the way is not followed either.
        try FileManager.default.createDirectory(atPath: dir.path("elsewhere"), withIntermediateDirectories: true)
        try dir.write("elsewhere/top.uff", "image outside the folder")
        try FileManager.default.createSymbolicLink(atPath: dir.path("inbox/images"), withDestinationPath: dir.path("elsewhere"))
        let through = FileDropRead.read("images/top.uff", in: dir.path("inbox"), maxBytes: 1 << 20)
        #expect(through == .refused("images/ is a symbolic link, not a folder: not followed", .refused))
        #expect(FileDropRead.read("../secret.csv", in: dir.path("inbox"), maxBytes: 1 << 20) == .refused("not a plain name inside the folder", .refused))
    }

    @Test func aFIFOIsRefusedWithoutWaitingForAWriter() throws {
        let dir = try TemporaryDirectory("drop-read")
        try #require(mkfifo(dir.path("pipe.csv"), 0o600) == 0)
        // Opening a FIFO for reading blocks until a writer comes: the time limit fails a reader that opens it.
        #expect(FileDropRead.read("pipe.csv", in: dir.url.path, maxBytes: 1 << 20) == .refused("a FIFO (named pipe), not a regular file: not opened", .refused))
        #expect(FileDropRead.read("null", in: "/dev", maxBytes: 1 << 20) == .refused("a character device, not a regular file: not opened", .refused))
        #expect(FileDropRead.read("gone.csv", in: dir.url.path, maxBytes: 1 << 20) == .skip)
        try FileManager.default.createDirectory(atPath: dir.path("processed"), withIntermediateDirectories: true)
        #expect(FileDropRead.read("processed", in: dir.url.path, maxBytes: 1 << 20) == .skip, "the folder's own subfolders are not files")
    }

    @Test func theCapHoldsOnTheBytesReadNotOnTheSizeLookedUp() throws {
        let dir = try TemporaryDirectory("drop-read")
        try dir.write("at-cap.csv", String(repeating: "x", count: 100))
        try dir.write("over.csv", String(repeating: "x", count: 101))
        try dir.write("empty.csv", "")
        #expect(FileDropRead.read("at-cap.csv", in: dir.url.path, maxBytes: 100) == .bytes(Array(repeating: 120, count: 100)))
        #expect(FileDropRead.read("over.csv", in: dir.url.path, maxBytes: 100) == .refused("larger than maxFileBytes (101 > 100): not read", .overlong))
        #expect(FileDropRead.read("empty.csv", in: dir.url.path, maxBytes: 100) == .bytes([]))
        // A file whose size says less than it holds, as a file still being written does: /proc
        // files say 0 and hold more. The reader stops one byte past the cap and refuses it.
        let proc = "/proc/\(getpid())"
        var st = stat()
        try #require(stat(proc + "/status", &st) == 0 && st.st_size == 0)
        #expect(FileDropRead.read("status", in: proc, maxBytes: 64) == .refused("grew past maxFileBytes (64) while being read: not taken", .overlong))
        let whole = try #require(FileDropRead.read("status", in: proc, maxBytes: 1 << 20).readBytes, "not read under a large cap")
        #expect(String(decoding: whole, as: UTF8.self).hasPrefix("Name:"))
    }

    /// The service: a link to a file outside, a FIFO and a file over the cap are each quarantined with
    /// their reason and counted; the folder keeps working, and a plain file after them is taken.
    @Test func theServiceQuarantinesLinksFIFOsAndOversizedFilesAndGoesOn() async throws {
        let profile = """
            model: rpm-capped
            name: Portal monitor lines in a folder
            family: radiation-portal
            protocol: rpm
            transport:
              kind: file
              file: {maxFileBytes: 4096}
            heartbeatIntervalS: 30
            """
        let h = try await HubHarness(
            label: "drop-safety", devices: "  - {id: rpm-capped, profile: rpm-capped, lane: \"3\", folder: drop}",
            profiles: ["rpm-capped.yaml": profile])
        let inbox = h.dir.path("drop")
        let fm = FileManager.default
        #expect(await eventually { fm.fileExists(atPath: inbox + "/processed") })
        func renameIn(_ temp: String, _ name: String) throws { try fm.moveItem(atPath: inbox + "/" + temp, toPath: inbox + "/" + name) }
        func reason(_ name: String) async -> String? {
            guard await eventually({ fm.fileExists(atPath: inbox + "/quarantine/\(name).reason") }) else { return nil }
            return try? String(contentsOfFile: inbox + "/quarantine/\(name).reason", encoding: .utf8)
        }

        // A link to a file outside, whose content would be an occupancy if it were read.
        let outside = try h.dir.write("outside.csv", String(format: Self.occupancy, 41))
        try fm.createSymbolicLink(atPath: inbox + "/.linked.tmp", withDestinationPath: outside)
        try renameIn(".linked.tmp", "linked.csv")
        #expect(await reason("linked.csv")?.contains("a symbolic link") == true)
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == String(format: Self.occupancy, 41), "the target stays where it was")

        try #require(mkfifo(inbox + "/.pipe.tmp", 0o600) == 0)
        try renameIn(".pipe.tmp", "pipe.csv")
        #expect(await reason("pipe.csv")?.contains("FIFO") == true)

        try Data(String(repeating: String(format: Self.occupancy, 43), count: 60).utf8).write(to: URL(fileURLWithPath: inbox + "/.big.tmp"))
        try renameIn(".big.tmp", "big.csv")
        #expect(await reason("big.csv")?.contains("larger than maxFileBytes") == true)

        // Still watching: a plain file after them goes through.
        try Data(String(format: Self.occupancy, 42).utf8).write(to: URL(fileURLWithPath: inbox + "/.plain.tmp"))
        try renameIn(".plain.tmp", "plain.csv")
        #expect(await eventually { fm.fileExists(atPath: inbox + "/processed/plain.csv") })
        let numbers = try await h.events("kind=radiation.occupancy").compactMap { ($0["data"] as? [String: Any])?["occupancyNumber"] as? Int }
        #expect(numbers == [42], "only the plain file's occupancy: nothing was read through the link or from the big file")
        let counters = try #require((try await h.device("rpm-capped"))["counters"] as? [String: Any])
        let rejected = counters["rejected"] as? [String: Int]
        #expect(rejected?["refused"] == 2 && rejected?["overlong"] == 1, "\(counters)")
        try await h.stop()
    }
}

extension FileDropRead.Outcome {
    /// The bytes read, or nil when the file was refused or skipped.
    fileprivate var readBytes: [UInt8]? { if case .bytes(let b) = self { b } else { nil } }
}
