/// What the hub may ask of a GPS e-seal or tracker, in the hub's own words; each protocol's driver
/// turns it into that protocol's command (`GT06Commands`, `TeltonikaCommands`, `ESealCommands`).
public enum SealCommandWord: String, Sendable, Equatable, CaseIterable, Codable {
    case unlock, lock
    /// Report the position now.
    case position
}

/// A unit's answer to a server command, as its driver read it from the connection.
public struct UnitAnswer: Sendable, Equatable {
    /// How the answer names the command it answers.
    public enum Tag: Sendable, Hashable {
        /// GT06: the 32-bit server flag the command carried, echoed in the unit's string information.
        case serverFlag(UInt32)
        /// ASCII e-seal: the command id the command line carried.
        case commandID(String)
        /// Teltonika codec 12 names nothing: an answer is for the command outstanding on its connection.
        case next
    }

    /// What the answer says became of the command.
    public enum Verdict: String, Sendable, Equatable {
        /// The unit took the command and will answer again once done (e-seal `ACK`).
        case acknowledged
        /// The unit did it (and wrote what it did).
        case executed
        /// The unit refused it or could not do it.
        case failed
    }

    public var tag: Tag
    /// The unit's own words (GT06 and Teltonika answer in text; an e-seal's detail field).
    public var text: String
    public var verdict: Verdict

    public init(tag: Tag, text: String, verdict: Verdict) {
        self.tag = tag
        self.text = text
        self.verdict = verdict
    }

    /// The verdict of a free-text answer (GT06, Teltonika): these units answer every command they
    /// ran with its result and say so in words when they could not (`Fail`, `Error`, `Unknown
    /// command`, `Invalid`, `not supported`); anything else is taken as done.
    public static func verdict(ofText text: String) -> Verdict {
        let t = text.lowercased()
        let refusals = ["fail", "error", "unknown", "invalid", "not support"]
        return refusals.contains(where: t.contains) ? .failed : .executed
    }
}
