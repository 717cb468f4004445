import ArgumentParser
import Foundation
import HubDevices
import HubDrivers
import HubIngest
import HubModel

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode captured device feeds through the live drivers; one event per line (JSON) on stdout.",
        discussion: """
            Rejected frames are counted and reported on stderr, never printed as events. FILE '-' reads \
            standard input. Exit status: 0 decoded, 1 a file could not be read, 64 bad usage.
            """)

    @Option(name: .long, help: "Protocol: \(DriverCatalog.protocols.joined(separator: ", ")).")
    var `protocol`: String

    @Option(name: .long, help: "Device id to put in the events.")
    var device: String = "decode"

    @Option(name: .long, help: "Site to put in the events.")
    var site: String?

    @Option(name: .long, help: "Lane to put in the events.")
    var lane: String?

    @Option(name: .long, help: "Minutes east of UTC of the device clock, for timestamps without a zone.")
    var utcOffsetMinutes: Int = 0

    @Option(name: .long, help: "A device profile (YAML) whose line: section describes the lines (protocol declarative-line).")
    var profile: String?

    @Argument(help: "Captured files.")
    var files: [String]

    func run() throws {
        guard let entry = DriverCatalog.entry(`protocol`) else {
            throw ValidationError("unknown protocol '\(`protocol`)'; known: \(DriverCatalog.protocols.joined(separator: ", "))")
        }
        let ids = EventIDGenerator()
        var options = DriverOptions()
        options.utcOffsetSeconds = utcOffsetMinutes * 60
        var profileName = `protocol`
        if let profile {
            // A bad profile is a usage error naming its file, line and field.
            let p: DeviceProfile
            do {
                p = try YAMLDocument.load(DeviceProfile.self, path: profile)
            } catch {
                throw ValidationError("\(error)")
            }
            guard p.protocol == `protocol` else {
                throw ValidationError("\(profile) is a profile of protocol '\(p.protocol)', not '\(`protocol`)'")
            }
            options.lineSchema = p.line
            options.maxFrameBytes = p.framing.maxFrameBytes
            profileName = p.model
        }
        var failed = false
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = try CaptureFile.read(file)
            } catch {
                warn("\(file): cannot read: \(error.localizedDescription)")
                failed = true
                continue
            }
            let context = DeviceContext(
                device: DeviceRef(id: device, profile: profileName, family: entry.family), site: site, lane: lane)
            var decoder = FeedDecoder(protocolName: `protocol`, context: context, options: options, ids: ids)!
            var events = 0
            // One buffer of JSON lines for the whole file, written out a megabyte at a time.
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20 + 4096)
            let receivedAt = Date()
            var badHexLines = 0
            for chunk in entry.capture.chunks(of: bytes, badLines: &badHexLines) {
                let batch = decoder.push(chunk, receivedAt: receivedAt)
                events += try write(batch.events, into: &buffer)
                if buffer.count > 1 << 20 {
                    try CaptureFile.writeStandardOutput(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if badHexLines > 0 { warn("\(file): \(badHexLines) lines are not hex and were skipped") }
            events += try write(decoder.finish(receivedAt: receivedAt).events, into: &buffer)
            try CaptureFile.writeStandardOutput(buffer)
            let c = decoder.counters
            var summary = "\(file): \(c.frames) frames, \(events) events, \(c.rejectedTotal) rejected"
            if !c.rejected.isEmpty { summary += " " + describe(c.rejected) }
            if !c.unknownCodes.isEmpty { summary += ", \(c.unknownTotal) of unknown codes kept " + describe(c.unknownCodes) }
            if !c.skippedFrames.isEmpty { summary += ", \(c.skippedFramesTotal) binary frames skipped " + describe(c.skippedFrames) }
            if c.skippedBytes > 0 { summary += ", \(c.skippedBytes) bytes skipped" }
            warn(summary)
        }
        if failed { throw ExitCode(1) }
    }

    private func write(_ events: [InspectionEvent], into buffer: inout [UInt8]) throws -> Int {
        // Through the buffer's addressor: each event is read in place, not copied out of the batch.
        events.withUnsafeBufferPointer { all in
            for i in all.indices {
                all[i].appendJSON(to: &buffer)
                buffer.append(10)
            }
        }
        return events.count
    }

    private func describe(_ counts: [String: Int]) -> String {
        "(" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
    }
}

func warn(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
