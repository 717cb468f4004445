import Foundation

/// One text a gate OCR or licence plate camera read, before normalization.
public struct OCRReading: Sendable, Equatable {
    /// What the camera was reading.
    public enum Kind: String, Sendable, Equatable {
        case container = "CONTAINER"
        case plate = "PLATE"
    }

    /// The lane the camera controller names (it may serve several lanes).
    public var lane: String
    /// The camera's clock, when the line carries a time.
    public var observedAt: Date?
    public var kind: Kind
    /// The text exactly as read.
    public var text: String
    /// The camera's confidence in the whole read, 0–100.
    public var confidence: Double
    /// Where on the vehicle or which camera (`front`, `rear`, `left`, `right`, `top`, …).
    public var position: String?
    /// Per-character confidences 0–100, one per character of `text` without separators, when the
    /// camera reports them; they rank repair candidates.
    public var characterConfidences: [Double]?

    public init(
        lane: String, observedAt: Date?, kind: Kind, text: String, confidence: Double, position: String? = nil,
        characterConfidences: [Double]? = nil
    ) {
        self.lane = lane
        self.observedAt = observedAt
        self.kind = kind
        self.text = text
        self.confidence = confidence
        self.position = position
        self.characterConfidences = characterConfidences
    }
}
