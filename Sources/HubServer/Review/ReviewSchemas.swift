/// The OpenAPI schemas of image review's answers (`components.schemas`).
enum ReviewSchemas {
    typealias S = OpenAPISchemas
    typealias Schema = OpenAPISchemas.Schema

    nonisolated(unsafe) static let region = S.object(
        ["image": S.string, "x": S.number, "y": S.number, "width": S.number, "height": S.number, "label": S.string],
        required: ["x", "y", "width", "height"])

    nonisolated(unsafe) static let claim = S.object(
        ["scanEvent": S.string, "by": S.string, "at": S.time, "joined": S.strings], required: ["scanEvent", "by", "at", "joined"])

    nonisolated(unsafe) static let item = S.object(
        ["scan": S.object(
            ["id": S.string, "lane": S.string, "site": S.string, "observedAt": S.time, "scanId": S.string, "deviceFamily": S.string,
             "containers": S.strings, "plates": S.strings, "images": S.array(["type": "object"]), "atdResult": S.string,
             "atdRegions": S.array(["type": "object"]), "bag": ["type": "object"]],
            required: ["id", "observedAt", "deviceFamily", "containers", "plates", "images", "atdRegions"]),
         "state": S.oneOf(ReviewQueue.State.allCases.map(\.rawValue)), "overdue": S.boolean, "deadlineAt": S.time, "ageSeconds": S.number,
         "channel": S.channel, "declaration": S.string, "claim": S.ref("ReviewClaim"),
         "verdicts": S.array(S.object(
            ["id": S.string, "at": S.time, "scanEvent": S.string, "verdict": S.oneOf(["clear", "suspect", "inspect"]), "by": S.string,
             "reason": S.string, "regions": S.array(S.ref("ReviewRegion")), "step": S.oneOf(["first", "second"]), "confirms": S.string,
             "final": S.boolean, "recheck": S.boolean],
            required: ["id", "at", "scanEvent", "verdict", "by", "step", "final"]))],
        required: ["scan", "state", "overdue", "deadlineAt", "ageSeconds", "verdicts"])

    nonisolated(unsafe) static let timing = S.object(
        ["lane": S.string, "analyst": S.string, "count": S.integer, "p50": S.number, "p90": S.number], required: ["count"])

    nonisolated(unsafe) static let figures = S.object(
        ["queue": S.array(S.object(["lane": S.string, "waiting": S.integer], required: ["lane", "waiting"])),
         "byLane": S.array(timing), "byAnalyst": S.array(timing), "mix": ["type": "object", "additionalProperties": S.integer],
         "rechecks": S.integer],
        required: ["queue", "byLane", "byAnalyst", "mix", "rechecks"])

    nonisolated(unsafe) static let previous = S.object(
        ["id": S.string, "observedAt": S.time, "lane": S.string, "scanId": S.string, "containers": S.strings,
         "image": S.object(["name": S.string, "sha256": S.sha256, "view": S.string], required: ["name", "sha256"]),
         "verdict": S.oneOf(["clear", "suspect", "inspect"]), "declaration": S.string],
        required: ["id", "observedAt", "containers"])

    nonisolated(unsafe) static let components: [String: Schema] = [
        "ReviewItem": item, "ReviewClaim": claim, "ReviewRegion": region, "ReviewFigures": figures, "PreviousScan": previous,
    ]
}
