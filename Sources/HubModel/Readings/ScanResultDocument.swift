import Foundation

/// A container scanner's result for one scan, in the hub's vendor-neutral form (`niihub.scan-result/1`,
/// published as `Schemas/scan-result-v1.schema.json`). Scanner adapters write it beside the images;
/// the images themselves are kept by SHA-256 and only referenced here.
public struct ScanResultDocument: Sendable, Equatable {
    public static let schemaV1 = "niihub.scan-result/1"

    public var scanID: String
    public var scanner: Scanner
    public var site: String?
    public var lane: String?
    public var startedAt: Date
    public var endedAt: Date?
    /// Container numbers as the scanner (or its OCR) gives them, not yet checked.
    public var containers: [String]
    public var plate: String?
    public var images: [Image]
    public var threatDetection: ThreatDetection?
    public var operatorVerdict: OperatorVerdict?
    /// A baggage scanner's bag: whose it is (a passenger, a vehicle, a flight).
    public var bag: Bag?

    /// A bag scanned at a baggage X-ray: its reference. Its views are the document's images.
    public struct Bag: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable, CaseIterable {
            case passenger, vehicle, flight
        }
        public var kind: Kind
        /// The passenger's document or name, the vehicle's plate, the flight's number.
        public var reference: String

        public init(kind: Kind, reference: String) {
            self.kind = kind
            self.reference = reference
        }
    }

    public struct Scanner: Sendable, Equatable {
        public var id: String
        public var manufacturer: String?
        public var model: String?
        /// `x-ray`, `gamma`, `neutron`, `dual-energy`, `ct`, … as the vendor calls it.
        public var technology: String?
    }

    public struct Image: Sendable, Equatable {
        public var name: String
        /// Lower-case hex SHA-256 of the file: the key it is stored under.
        public var sha256: String
        public var format: Format
        /// Which view (`top`, `side`, …), when the scanner has several.
        public var view: String?
        public var bytes: Int?
        /// For a dual-energy scanner, which of the view's pair this is; the viewer colours materials
        /// from the two.
        public var energy: Energy?

        public enum Energy: String, Sendable, Equatable, CaseIterable {
            case high, low
        }

        public init(name: String, sha256: String, format: Format, view: String? = nil, bytes: Int? = nil, energy: Energy? = nil) {
            self.name = name
            self.sha256 = sha256
            self.format = format
            self.view = view
            self.bytes = bytes
            self.energy = energy
        }

        /// Image file formats scanners write: UFF (the IEC/NEMA universal file format for cargo
        /// images), DICOS (DICOM for security), and pictures.
        public enum Format: String, Sendable, Equatable, CaseIterable {
            case uff, dicos, jpeg, png, tiff, raw, other
        }
    }

    public struct ThreatDetection: Sendable, Equatable {
        public enum Result: String, Sendable, Equatable, CaseIterable {
            case clear, suspect
            case notRun = "not-run"
            case error
        }
        public var result: Result
        public var algorithm: String?
        public var regions: [Region]
    }

    /// A suspect area of an image, in its pixel coordinates.
    public struct Region: Sendable, Equatable {
        public var image: String?
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double
        public var threat: String?
        /// 0–100.
        public var confidence: Double?
    }

    public struct OperatorVerdict: Sendable, Equatable {
        public enum Verdict: String, Sendable, Equatable, CaseIterable {
            case clear, suspect
            /// Send to physical inspection.
            case inspect
            case pending
        }
        public var verdict: Verdict
        public var operatorID: String?
        public var decidedAt: Date?
        public var comment: String?
    }

    /// One reason a document is refused, with the field it concerns (`images[0].sha256`).
    public struct Problem: Sendable, Equatable, Codable, CustomStringConvertible {
        public var field: String
        public var reason: String

        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }

        public var description: String { "\(field): \(reason)" }
    }

    /// Every problem of a refused document.
    public struct Invalid: Error, Sendable, Equatable {
        public var problems: [Problem]

        public init(problems: [Problem]) { self.problems = problems }
    }

    /// Decodes and checks a document; a refusal lists every problem found, by field.
    public static func decode(_ bytes: [UInt8]) -> Result<ScanResultDocument, Invalid> {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
            return .failure(Invalid(problems: [Problem(field: "", reason: "not a JSON document")]))
        }
        var v = ScanResultValidator()
        let doc = v.document(json)
        if let doc, v.problems.isEmpty { return .success(doc) }
        return .failure(Invalid(problems: v.problems.isEmpty ? [Problem(field: "", reason: "invalid")] : v.problems))
    }
}
