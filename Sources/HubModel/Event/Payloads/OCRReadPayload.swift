import Foundation

/// `ocr.read`: one camera read of a plate or a container number, with what the hub made of it.
public struct OCRReadPayload: EventPayloadBody {
    public static let kinds = [EventKind.ocrRead]
    public static let passageRole: PassageRole? = .read

    /// What the camera read.
    public enum Read: String, Sendable, Equatable, CaseIterable {
        case container, plate
    }

    /// A repair of an invalid container number: one character changed so the check digit holds.
    public struct Candidate: Sendable, Equatable {
        /// The repaired number.
        public var number: String
        /// The 0-based position of the changed character.
        public var position: Int
        /// The character the camera read there, and the one meant.
        public var read: String
        public var meant: String
        /// How likely the repair is (higher is likelier), to 2 places.
        public var score: Double

        public init(number: String, position: Int, read: String, meant: String, score: Double) {
            self.number = number
            self.position = position
            self.read = read
            self.meant = meant
            self.score = score
        }
    }

    // The camera always gives the first four; they are optional because events built by hand
    // (tests, imports) have carried only some members, and the hub has always accepted them.
    public var read: Read?
    /// The text as the camera gave it.
    public var text: String?
    /// The camera's confidence, 0–100, to 2 places.
    public var confidence: Double?
    /// The lane the camera belongs to.
    public var cameraLane: String?
    /// `front`, `rear`, `side`, … when the camera says.
    public var position: String?
    /// A plate read, normalized (absent when it would not normalize).
    public var plate: String?
    /// A container read: whether the text passes ISO 6346 as read.
    public var containerValid: Bool?
    /// The container number taken: the text when valid, else the repair that stands out.
    public var container: String?
    /// Why the text does not pass ISO 6346.
    public var reason: String?
    /// The repairs considered when it does not.
    public var candidates: [Candidate]?
    /// The text a repaired `container` came from.
    public var repairedFrom: String?

    public init(read: Read, text: String, confidence: Double, cameraLane: String, position: String? = nil) {
        self.read = read
        self.text = text
        self.confidence = confidence
        self.cameraLane = cameraLane
        self.position = position
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        read = try f.optionalValue("read", as: Read.self)
        text = try f.optionalString("text")
        confidence = try f.optionalDouble("confidence")
        cameraLane = try f.optionalString("cameraLane")
        position = try f.optionalString("position")
        plate = try f.optionalString("plate")
        containerValid = try f.optionalBool("containerValid")
        container = try f.optionalString("container")
        reason = try f.optionalString("reason")
        candidates = try NestedPayloadJSON.objects(&f, "candidates") { c in
            Candidate(
                number: try c.string("number"), position: try c.int("position"), read: try c.string("read"),
                meant: try c.string("meant"), score: try c.double("score"))
        }
        repairedFrom = try f.optionalString("repairedFrom")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [:]
        o.put("read", read)
        o.put("text", text)
        o.put("confidence", confidence)
        o.put("cameraLane", cameraLane)
        o.put("position", position)
        o.put("plate", plate)
        o.put("containerValid", containerValid)
        o.put("container", container)
        o.put("reason", reason)
        if let v = candidates {
            o["candidates"] = .array(
                v.map { c in
                    .object([
                        "number": .string(c.number), "position": .int(Int64(c.position)), "read": .string(c.read),
                        "meant": .string(c.meant), "score": .double(c.score),
                    ])
                })
        }
        o.put("repairedFrom", repairedFrom)
        return o
    }

    public var payload: EventPayload { .ocrRead(self) }
}
