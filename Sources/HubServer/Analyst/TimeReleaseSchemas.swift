/// The OpenAPI schemas of the time-release figures (`TimeReleaseReport`).
enum TimeReleaseSchemas {
    private typealias S = OpenAPISchemas

    /// A dwell's spread: how many passages had it and lacked it, and its p50/p90 in seconds (null without one).
    nonisolated(unsafe) static let spread = S.object(
        ["count": S.integer, "missing": S.integer, "p50Seconds": ["type": ["number", "null"]],
         "p90Seconds": ["type": ["number", "null"]]],
        required: ["count", "missing", "p50Seconds", "p90Seconds"])

    nonisolated(unsafe) static let stages = S.object(
        Dictionary(uniqueKeysWithValues: ["radiation", "scan", "verdict", "decision", "exit"].map { ($0, S.ref("TimeReleaseSpread")) }))

    nonisolated(unsafe) static let group = S.object(
        ["start": S.time, "lane": S.string, "channel": S.string, "passages": S.integer, "stages": stages,
         "endToEnd": S.ref("TimeReleaseSpread")],
        required: ["start", "passages", "stages", "endToEnd"])

    nonisolated(unsafe) static let slow = S.object(
        ["passage": S.string, "lane": S.string, "channel": S.string, "endToEndSeconds": S.number,
         "heldAt": S.oneOf(["radiation", "scan", "verdict", "decision", "exit"]), "heldSeconds": S.number,
         "times": ["type": "object", "additionalProperties": S.time],
         "dwellSeconds": ["type": "object", "additionalProperties": S.number], "missing": S.strings],
        required: ["passage", "times", "dwellSeconds", "missing"])

    nonisolated(unsafe) static let components: [String: OpenAPISchemas.Schema] = [
        "TimeRelease": S.object(
            ["by": S.oneOf(["hour", "day"]), "groups": S.array(S.ref("TimeReleaseGroup")),
             "slowest": S.array(S.ref("TimeReleaseSlowPassage")), "truncated": S.boolean],
            required: ["by", "groups", "slowest", "truncated"]),
        "TimeReleaseGroup": group,
        "TimeReleaseSpread": spread,
        "TimeReleaseSlowPassage": slow,
    ]
}
