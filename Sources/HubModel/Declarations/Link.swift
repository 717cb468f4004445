import Foundation

/// An event tied to a declaration through an identifier both carry, with how sure the hub is.
public struct Link: Sendable, Equatable, Hashable, Codable {
    public var eventID: String
    public var declaration: String
    /// The declaration's version in force that carries the identifier.
    public var version: Int
    /// `container`, `seal`, `plate` or `ucr`.
    public var kind: String
    public var value: String
    /// 1 for an identifier read as valid; less for a repaired OCR read or a weaker identifier.
    public var confidence: Double
    /// In words, for the analyst: what matched and how it was read.
    public var evidence: String

    public init(
        eventID: String, declaration: String, version: Int, kind: String, value: String, confidence: Double,
        evidence: String
    ) {
        self.eventID = eventID
        self.declaration = declaration
        self.version = version
        self.kind = kind
        self.value = value
        self.confidence = confidence
        self.evidence = evidence
    }
}

/// An identifier an event speaks of, as it may link the event to a declaration.
public struct LinkKey: Sendable, Equatable, Hashable {
    public var kind: String
    public var value: String
    public var confidence: Double
    public var evidence: String

    public init(kind: String, value: String, confidence: Double, evidence: String) {
        self.kind = kind
        self.value = value
        self.confidence = confidence
        self.evidence = evidence
    }
}

extension InspectionEvent {
    /// The identifiers in the event's subject that can link it to declarations. A container number
    /// an OCR camera read wrongly and the hub repaired counts, with less confidence; plates are the
    /// weakest (easily misread, and a tractor pulls many trailers).
    public var linkKeys: [LinkKey] {
        var out: [LinkKey] = []
        let repaired = ocrRead?.repairedFrom
        for c in subject.containers ?? [] {
            if let repaired, kind == EventKind.ocrRead {
                out.append(LinkKey(kind: "container", value: c, confidence: 0.7, evidence: "\(kind): container \(c), repaired from OCR read \(repaired)"))
            } else {
                out.append(LinkKey(kind: "container", value: c, confidence: 1.0, evidence: "\(kind): container \(c)"))
            }
        }
        for s in subject.seals ?? [] {
            out.append(LinkKey(kind: "seal", value: s.uppercased(), confidence: 0.95, evidence: "\(kind): seal \(s)"))
        }
        for p in subject.plates ?? [] {
            let n = Declaration.normalizePlate(p)
            out.append(LinkKey(kind: "plate", value: n, confidence: 0.6, evidence: "\(kind): plate \(p)"))
        }
        if let u = subject.ucr { out.append(LinkKey(kind: "ucr", value: u, confidence: 1.0, evidence: "\(kind): UCR \(u)")) }
        return out
    }
}
