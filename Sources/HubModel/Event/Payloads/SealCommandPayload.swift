import Foundation

/// `seal.command`: a command the hub sent (or holds for approval) to a GPS e-seal or tracker, and
/// what became of it. Each change of state is one event carrying the same `commandId`, the newest
/// the command's state: `pending-approval` (an unlock outside the destination zone, waiting for a
/// second supervisor), `sent`, `acknowledged` (the unit took it and will answer again), `executed`,
/// `failed` (the unit refused it, or its connection closed before it answered), `timed-out`.
public struct SealCommandPayload: EventPayloadBody {
    public static let kinds = [EventKind.sealCommand]
    public static let passageRole: PassageRole? = nil

    public enum Result: String, Sendable, Equatable, CaseIterable, Codable {
        case pendingApproval = "pending-approval"
        case sent, acknowledged, executed, failed
        case timedOut = "timed-out"

        /// Whether nothing more will happen to the command.
        public var isFinal: Bool { self == .executed || self == .failed || self == .timedOut }
    }

    public var commandId: String
    /// The seal or tracker (its IMEI or seal number).
    public var unit: String
    public var command: SealCommandWord
    public var result: Result
    /// Who asked, and why (required of every command).
    public var by: String
    public var reason: String
    /// The second supervisor who approved an unlock outside the destination zone.
    public var approvedBy: String?
    /// The unit's protocol (`gt06`, `teltonika`, `eseal`) and the command as that protocol words it.
    public var `protocol`: String
    public var sentText: String
    /// The unit's answer in its own words, or what went wrong.
    public var answer: String?
    /// For an unlock: why it was or was not allowed where it is (in the destination zone, how far out).
    public var zone: String?

    public init(
        commandId: String, unit: String, command: SealCommandWord, result: Result, by: String, reason: String,
        approvedBy: String? = nil, protocol: String, sentText: String, answer: String? = nil, zone: String? = nil
    ) {
        self.commandId = commandId
        self.unit = unit
        self.command = command
        self.result = result
        self.by = by
        self.reason = reason
        self.approvedBy = approvedBy
        self.protocol = `protocol`
        self.sentText = sentText
        self.answer = answer
        self.zone = zone
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        commandId = try f.string("commandId")
        unit = try f.string("unit")
        command = try f.value("command", as: SealCommandWord.self)
        result = try f.value("result", as: Result.self)
        by = try f.string("by")
        reason = try f.string("reason")
        approvedBy = try f.optionalString("approvedBy")
        `protocol` = try f.string("protocol")
        sentText = try f.string("sentText")
        answer = try f.optionalString("answer")
        zone = try f.optionalString("zone")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var o: [String: JSONValue] = [
            "commandId": .string(commandId), "unit": .string(unit), "command": .string(command.rawValue),
            "result": .string(result.rawValue), "by": .string(by), "reason": .string(reason), "protocol": .string(`protocol`),
            "sentText": .string(sentText),
        ]
        o.put("approvedBy", approvedBy)
        o.put("answer", answer)
        o.put("zone", zone)
        return o
    }

    public var payload: EventPayload { .sealCommand(self) }
}

extension InspectionEvent {
    /// The command, when this is a typed `seal.command`.
    public var sealCommand: SealCommandPayload? {
        if case .sealCommand(let p) = payload { p } else { nil }
    }
}
