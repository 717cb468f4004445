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
        ["passage": S.string, "event": S.string, "vehicle": S.strings, "lane": S.string, "channel": S.string, "endToEndSeconds": S.number,
         "heldAt": S.oneOf(["radiation", "scan", "verdict", "decision", "exit"]), "heldSeconds": S.number,
         "times": ["type": "object", "additionalProperties": S.time],
         "dwellSeconds": ["type": "object", "additionalProperties": S.number], "missing": S.strings],
        required: ["passage", "vehicle", "times", "dwellSeconds", "missing"])

    /// One lane over the whole window.
    nonisolated(unsafe) static let lane = S.object(
        ["lane": S.string, "passages": S.integer, "stages": stages, "endToEnd": S.ref("TimeReleaseSpread")],
        required: ["passages", "stages", "endToEnd"])

    /// A lane's (or a channel's) end-to-end spread day by day; `day` is midnight in the site's zone.
    nonisolated(unsafe) static let series = S.object(
        ["lane": S.string, "channel": S.string,
         "points": S.array(S.object(["day": S.time, "passages": S.integer, "endToEnd": S.ref("TimeReleaseSpread")],
                                    required: ["day", "passages", "endToEnd"]))],
        required: ["points"])

    nonisolated(unsafe) static let trend = S.object(
        ["days": S.array(S.time), "lanes": S.array(S.ref("TimeReleaseSeries")), "channels": S.array(S.ref("TimeReleaseSeries"))],
        required: ["days", "lanes", "channels"])

    nonisolated(unsafe) static let components: [String: OpenAPISchemas.Schema] = [
        "TimeRelease": S.object(
            ["by": S.oneOf(["hour", "day"]), "timeZone": S.string, "groups": S.array(S.ref("TimeReleaseGroup")),
             "lanes": S.array(S.ref("TimeReleaseLane")), "trend": trend,
             "slowest": S.array(S.ref("TimeReleaseSlowPassage")), "truncated": S.boolean],
            required: ["by", "timeZone", "groups", "lanes", "trend", "slowest", "truncated"]),
        "TimeReleaseLane": lane,
        "TimeReleaseSeries": series,
        "TimeReleaseGroup": group,
        "TimeReleaseSpread": spread,
        "TimeReleaseSlowPassage": slow,
    ]
}
