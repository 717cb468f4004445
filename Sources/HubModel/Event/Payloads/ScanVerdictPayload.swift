import Foundation

/// `scan.verdict`: an image analyst's verdict on a scan. The first analyst's verdict on a suspect or
/// physical-inspection finding (and on a clear picked for re-check) waits for a second analyst's
/// (four eyes); the second's decides. Only a `final` verdict counts for risk.
public struct ScanVerdictPayload: EventPayloadBody {
    public static let kinds = [EventKind.scanVerdict]
    public static let passageRole: PassageRole? = nil

    public enum Verdict: String, Sendable, Equatable, CaseIterable {
        case clear, suspect
        /// Send the truck (or the bag) to physical inspection.
        case inspect
    }

    public enum Step: String, Sendable, Equatable, CaseIterable {
        case first, second
    }

    /// A region the analyst marked, in the image's own pixels (level 0), with what they saw there.
    public struct Region: Sendable, Equatable {
        /// The image's name in the scan result.
        public var image: String?
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double
        public var label: String

        public init(image: String?, x: Double, y: Double, width: Double, height: Double, label: String) {
            self.image = image
            self.x = x
            self.y = y
            self.width = width
            self.height = height
            self.label = label
        }
    }

    /// The `scan.result` event judged.
    public var scanEvent: String
    /// The scanner's id for the scan.
    public var scanId: String?
    public var verdict: Verdict
    /// The analyst's user name.
    public var by: String
    public var reason: String?
    public var regions: [Region]
    public var step: Step
    /// On a second verdict: the first verdict's event.
    public var confirms: String?
    /// Whether this verdict decides the scan.
    public var final: Bool
    /// A first clear picked at random for a second analyst's re-check.
    public var recheck: Bool

    public init(
        scanEvent: String, scanId: String?, verdict: Verdict, by: String, reason: String?, regions: [Region], step: Step,
        confirms: String?, final: Bool, recheck: Bool
    ) {
        self.scanEvent = scanEvent
        self.scanId = scanId
        self.verdict = verdict
        self.by = by
        self.reason = reason
        self.regions = regions
        self.step = step
        self.confirms = confirms
        self.final = final
        self.recheck = recheck
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        scanEvent = try f.string("scanEvent")
        scanId = try f.optionalString("scanId")
        verdict = try f.value("verdict", as: Verdict.self)
        by = try f.string("by")
        reason = try f.optionalString("reason")
        regions = try NestedPayloadJSON.objects(&f, "regions") { r in
            Region(
                image: try r.optionalString("image"), x: try r.double("x"), y: try r.double("y"), width: try r.double("width"),
                height: try r.double("height"), label: try r.string("label"))
        } ?? []
        step = try f.value("step", as: Step.self)
        confirms = try f.optionalString("confirms")
        final = try f.bool("final")
        recheck = try f.bool("recheck")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [
            "scanEvent": .string(scanEvent), "verdict": .string(verdict.rawValue), "by": .string(by), "step": .string(step.rawValue),
            "final": .bool(final), "recheck": .bool(recheck),
            "regions": .array(regions.map { r in
                var x: [String: JSONValue] = [
                    "x": .double(r.x), "y": .double(r.y), "width": .double(r.width), "height": .double(r.height), "label": .string(r.label),
                ]
                x.put("image", r.image)
                return .object(x)
            }),
        ]
        o.put("scanId", scanId)
        o.put("reason", reason)
        o.put("confirms", confirms)
        return o
    }

    public var payload: EventPayload { .scanVerdict(self) }
}

extension InspectionEvent {
    /// The verdict, when this is a typed `scan.verdict`.
    public var scanVerdict: ScanVerdictPayload? {
        if case .scanVerdict(let p) = payload { p } else { nil }
    }
}
