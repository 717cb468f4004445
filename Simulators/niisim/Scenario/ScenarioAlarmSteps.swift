import Foundation
import HubDevices

extension Scenario {
    /// One swab analysed by the trace detector `device` (default `trace`): an alarm when `substance` is
    /// given (with its `channel` and `amplitude`), else a clear result; `container` and `plate` say what
    /// was swabbed.
    struct TraceStep: Decodable, Sendable {
        var device: String
        var substance: String?
        var channel: String
        var amplitude: Int
        var container: String?
        var plate: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case device, substance, channel, amplitude, container, plate }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            device = try c.decode(String.self, forKey: .device, default: "trace", where: { !$0.isEmpty }, expected: "a scenario device's name")
            substance = try c.decodeIfPresent(String.self, forKey: .substance, where: { !$0.isEmpty && !$0.contains(",") },
                                              expected: "a substance's name, without commas")
            channel = try c.decode(String.self, forKey: .channel, default: substance == nil ? "EXP-" : nil,
                                   where: { !$0.isEmpty && !$0.contains(",") }, expected: "the detector's channel, e.g. EXP- or NARC+")
            amplitude = try c.decode(Int.self, forKey: .amplitude, default: substance == nil ? 10 : nil, where: { $0 >= 0 },
                                     expected: "the peak's amplitude in digital units, from 0")
            container = try c.decodeIfPresent(String.self, forKey: .container, where: { !$0.contains(",") }, expected: "a container number")
            plate = try c.decodeIfPresent(String.self, forKey: .plate, where: { !$0.contains(",") }, expected: "a plate")
        }
    }

    /// An operator acknowledges the newest unacknowledged alarm of `kind` (from `device`, when given),
    /// waiting up to `withinS` for the hub to have it in its queue.
    struct AcknowledgeStep: Decodable, Sendable {
        var kind: String
        var device: String?
        var withinS: Double

        enum CodingKeys: String, CodingKey, CaseIterable { case kind, device, withinS }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decode(String.self, forKey: .kind, where: { !$0.isEmpty }, expected: "an alarm's event kind, e.g. trace.alarm")
            device = try c.decodeIfPresent(String.self, forKey: .device, where: { !$0.isEmpty }, expected: "the hub's device id")
            withinS = try c.decode(Double.self, forKey: .withinS, default: 30, where: { $0 > 0 && $0 <= 600 }, expected: "seconds from above 0 to 600")
        }
    }
}
