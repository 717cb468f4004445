import ArgumentParser
import Foundation
import HubDrivers
import HubModel

struct ExportN42: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-n42",
        abstract: "Write N42.42-2012 documents for the radiation.occupancy events of an event file.",
        discussion: """
            EVENT_JSON_FILE holds events one per line, as `niihub decode` prints them ('-' reads standard \
            input); other kinds are skipped. With --out, each occupancy is written to DIR/<device>-<occupancy>.n42; \
            without, the documents go to stdout one after another (the n42 driver reads such a stream). \
            Exit status: 0 written, 1 the file could not be read or no occupancy was found.
            """)

    @Option(name: .long, help: "Folder to write one .n42 file per occupancy into.")
    var out: String?

    @Argument(help: "Event JSON lines.")
    var file: String

    func run() throws {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            warn("\(file): cannot read: \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let decoder = JSONDecoder()
        var written = 0, unreadable = 0, skipped = 0
        var stdout = Data()
        for line in data.split(separator: 10) where !line.allSatisfy({ $0 == 32 || $0 == 13 || $0 == 9 }) {
            guard let event = try? decoder.decode(InspectionEvent.self, from: Data(line)) else {
                unreadable += 1
                continue
            }
            switch N42OccupancyExport.document(for: event) {
            case .failure(.notAnOccupancy):
                skipped += 1
            case .failure(.missing(let field)):
                warn("\(file): event \(event.id): no \(field); not exported")
                unreadable += 1
            case .success(let xml):
                written += 1
                if let out {
                    let number = (try? OccupancyPayload.read(event.payload).get())?.occupancyNumber.map(String.init) ?? event.id
                    let name = Self.safe("\(event.device.id)-\(number)") + ".n42"
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                    try Data(xml.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(name))
                } else {
                    stdout.append(contentsOf: xml.utf8)
                }
            }
        }
        FileHandle.standardOutput.write(stdout)
        warn("\(file): \(written) occupancies exported, \(skipped) other events skipped, \(unreadable) lines unreadable")
        if written == 0 { throw ExitCode(1) }
    }

    /// A file name from ids a device chose: only characters safe in any file system.
    static func safe(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }
}
