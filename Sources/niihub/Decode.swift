import ArgumentParser
import Foundation
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

    @Argument(help: "Captured files.")
    var files: [String]

    func run() throws {
        guard let entry = DriverCatalog.entry(`protocol`) else {
            throw ValidationError("unknown protocol '\(`protocol`)'; known: \(DriverCatalog.protocols.joined(separator: ", "))")
        }
        let ids = EventIDGenerator()
        var options = DriverOptions()
        options.utcOffsetSeconds = utcOffsetMinutes * 60
        let out = FileHandle.standardOutput
        var failed = false
        for file in files {
            let data: Data
            do {
                data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                    : try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                warn("\(file): cannot read: \(error.localizedDescription)")
                failed = true
                continue
            }
            let context = DeviceContext(
                device: DeviceRef(id: device, profile: `protocol`, family: entry.family), site: site, lane: lane)
            var decoder = FeedDecoder(protocolName: `protocol`, context: context, options: options, ids: ids)!
            var events = 0
            var buffer = Data()
            let receivedAt = Date()
            var badHexLines = 0
            for chunk in Self.chunks(of: [UInt8](data), as: entry.capture, badLines: &badHexLines) {
                let batch = decoder.push(chunk, receivedAt: receivedAt)
                events += try write(batch.events, into: &buffer)
                if buffer.count > 1 << 20 {
                    out.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if badHexLines > 0 { warn("\(file): \(badHexLines) lines are not hex and were skipped") }
            events += try write(decoder.finish(receivedAt: receivedAt).events, into: &buffer)
            out.write(buffer)
            let c = decoder.counters
            var summary = "\(file): \(c.frames) frames, \(events) events, \(c.rejectedTotal) rejected"
            if !c.rejected.isEmpty { summary += " " + describe(c.rejected) }
            if !c.unknownCodes.isEmpty { summary += ", \(c.unknownTotal) of unknown codes kept " + describe(c.unknownCodes) }
            warn(summary)
        }
        if failed { throw ExitCode(1) }
    }

    /// The file as the driver should receive it: device-sized chunks of the raw bytes (so framing
    /// across read edges is exercised as on a port), or one frame per hex line.
    static func chunks(of bytes: [UInt8], as format: CaptureFormat, badLines: inout Int) -> [ArraySlice<UInt8>] {
        switch format {
        case .bytes:
            return stride(from: 0, to: max(bytes.count, 1), by: 65_536).map { bytes[$0..<min($0 + 65_536, bytes.count)] }
        case .hexLines:
            var out: [ArraySlice<UInt8>] = []
            for line in bytes.split(separator: 10) {
                let text = line.filter { $0 != 13 && $0 != 32 && $0 != 9 }
                guard !text.isEmpty else { continue }
                guard let frame = Hex.decode(text) else {
                    badLines += 1
                    continue
                }
                out.append(frame[...])
            }
            return out
        }
    }

    private func write(_ events: [InspectionEvent], into buffer: inout Data) throws -> Int {
        for e in events {
            buffer.append(contentsOf: e.jsonBytes())
            buffer.append(10)
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
