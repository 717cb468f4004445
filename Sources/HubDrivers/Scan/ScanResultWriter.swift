import Foundation
import HubModel

/// A scan result document (`niihub.scan-result/1`) as a scanner adapter writes it, for simulators and
/// round-trip tests through `ScanResultDriver`. Members follow `Schemas/scan-result-v1.schema.json`.
public enum ScanResultWriter {
    /// What a simulated scanner reports for one scan.
    public struct Scan: Sendable, Equatable {
        public var scanID: String
        public var scannerID: String
        public var lane: String?
        public var startedAt: Date
        public var durationS: Double
        public var containers: [String]
        public var plate: String?
        /// Image files written beside the document: name, SHA-256 (hex), size.
        public var images: [(name: String, sha256: String, bytes: Int)]
        /// `clear` or `suspect`; a suspect result carries one region on the first image.
        public var suspect: Bool
        /// Each image's view, energy (dual-energy scanners) and format, by name; an image not here is
        /// a side view of format `other`.
        public var details: [String: ImageDetail] = [:]
        /// A baggage scanner's bag: whose it is (`passenger`, `vehicle`, `flight`) and the reference.
        public var bag: (kind: String, reference: String)?

        /// How one image file is described in the document.
        public struct ImageDetail: Sendable, Equatable {
            public var view: String
            public var energy: String?
            public var format: String
            public init(view: String, energy: String? = nil, format: String = "other") {
                self.view = view
                self.energy = energy
                self.format = format
            }
        }

        public init(scanID: String, scannerID: String, lane: String?, startedAt: Date, durationS: Double,
                    containers: [String], plate: String?, images: [(name: String, sha256: String, bytes: Int)],
                    suspect: Bool) {
            self.scanID = scanID
            self.scannerID = scannerID
            self.lane = lane
            self.startedAt = startedAt
            self.durationS = durationS
            self.containers = containers
            self.plate = plate
            self.images = images
            self.suspect = suspect
        }

        public static func == (a: Scan, b: Scan) -> Bool { json(a) == json(b) }
    }

    /// The document's JSON bytes and a newline (keys sorted: the same scan always gives the same bytes).
    public static func json(_ s: Scan) -> [UInt8] {
        var o: [String: Any] = [
            "schema": ScanResultDocument.schemaV1, "scanId": s.scanID, "startedAt": Timestamp.format(s.startedAt),
            "endedAt": Timestamp.format(s.startedAt.addingTimeInterval(s.durationS)),
            "scanner": ["id": s.scannerID, "manufacturer": "niisim", "technology": "x-ray"],
            "containers": s.containers,
            "images": s.images.map { i in
                let d = s.details[i.name] ?? Scan.ImageDetail(view: "side")
                var o: [String: Any] = ["name": i.name, "sha256": i.sha256, "format": d.format, "view": d.view, "bytes": i.bytes]
                o["energy"] = d.energy
                return o
            },
        ]
        o["lane"] = s.lane
        o["plate"] = s.plate
        if let b = s.bag { o["bag"] = ["reference": ["kind": b.kind, "value": b.reference]] }
        var atd: [String: Any] = ["result": s.suspect ? "suspect" : "clear", "algorithm": "niisim-atd"]
        if s.suspect, let image = s.images.first?.name {
            atd["regions"] = [["image": image, "x": 120, "y": 40, "width": 64, "height": 48, "threat": "anomaly", "confidence": 81]]
        }
        o["atd"] = atd
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data) + [10]
    }
}
