import Foundation
import HubModel

/// One device family as the whole hub knows it: the name its profiles and events give it, the
/// protocols its devices speak (each with its driver, simulator and captured bytes), and the event
/// kinds its readings become. Each family's folder declares its value (`OCR/OCRFamily.swift`, …) and
/// `DeviceFamilies.all` registers it; the driver catalog, profile checks, the fuzz harness and the
/// registry test read it from there. What a kind is to a passage is its payload type's `PassageRole`.
public struct DeviceFamily: Sendable {
    /// `DeviceRef.family` of its events, and the `family:` its profiles must name.
    public let name: String
    /// The event kinds (`EventKind`) its readings become, `device.status` included where the
    /// devices report their own condition.
    public let kinds: [String]
    /// The protocols its devices speak, each stamped with this family's name.
    public let protocols: [DeviceProtocol]

    public init(name: String, kinds: [String], protocols: [DeviceProtocol]) {
        self.name = name
        self.kinds = kinds
        self.protocols = protocols.map { var p = $0; p.family = name; return p }
    }

    /// What the family's events are to a vehicle's passage, by kind; kinds that are none are left out.
    public var passageRoles: [String: PassageRole] {
        Dictionary(kinds.compactMap { k in PassageRole.of(kind: k).map { (k, $0) } }, uniquingKeysWith: { a, _ in a })
    }
}

/// One protocol a family's devices speak: its name (a profile's `protocol:`, `niihub decode
/// --protocol`, the fuzz target), how captures of it are written, its driver, the `niisim`
/// subcommand that plays such a device, and captured bytes its driver decodes without a reject.
public struct DeviceProtocol: Sendable {
    public let name: String
    /// The family it belongs to (set by `DeviceFamily`, so the name is written once).
    public internal(set) var family: String = ""
    public let capture: CaptureFormat
    /// The `niisim` subcommand that simulates a device speaking it.
    public let simulator: String
    /// Bytes as devices sent them, decoded with no reject by the registry test and seeded into the
    /// protocol's fuzz target (`scripts/fuzz.sh NAME`).
    public let captures: [CaptureFile]
    public let make: @Sendable (DriverOptions) -> any DeviceDriver

    public init(
        name: String, capture: CaptureFormat, simulator: String, captures: [CaptureFile],
        make: @escaping @Sendable (DriverOptions) -> any DeviceDriver
    ) {
        self.name = name
        self.capture = capture
        self.simulator = simulator
        self.captures = captures
        self.make = make
    }
}

/// A file of captured bytes: published data in `../shared/corpus` (read in place, never copied), or
/// a capture the project recorded itself beside the driver tests.
public struct CaptureFile: Sendable, Equatable {
    public enum Place: Sendable, Equatable {
        /// Under `shared/corpus/` beside the checkout.
        case sharedCorpus
        /// Under the repository's root.
        case repository
    }

    public let place: Place
    /// Relative to its place, e.g. `rpm/S2-C0-NONE.csv` or `Tests/HubDriversTests/Captures/ocr-lane3.txt`.
    public let path: String

    /// A published file in `../shared/corpus`.
    public static func shared(_ path: String) -> CaptureFile { CaptureFile(place: .sharedCorpus, path: path) }

    /// A file recorded by the project, from the repository's root.
    public static func recorded(_ path: String) -> CaptureFile { CaptureFile(place: .repository, path: path) }

    /// The file, given the repository's root and the `shared/` folder beside it.
    public func url(repository: URL, shared: URL) -> URL {
        switch place {
        case .sharedCorpus: shared.appendingPathComponent("corpus").appendingPathComponent(path)
        case .repository: repository.appendingPathComponent(path)
        }
    }
}

extension CaptureFormat {
    /// A captured file as the driver should receive it: device-sized chunks of the raw bytes (so
    /// framing across read edges is exercised as on a port), or one frame per hex line. Lines that
    /// are not hex are skipped and counted in `badLines`.
    public func chunks(of bytes: [UInt8], badLines: inout Int) -> [ArraySlice<UInt8>] {
        switch self {
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
}
