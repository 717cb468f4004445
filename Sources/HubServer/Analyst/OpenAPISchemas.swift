import Foundation
import HubStore

/// The OpenAPI document's schemas: every body the API reads or writes, and the types of its query
/// parameters. `InspectionEvent` follows `Schemas/inspection-event-v1.schema.json` (a test keeps
/// the two in step); the rest follow the Swift types the routes encode. The schemas are JSON-shaped
/// dictionaries (`Any` values, so not `Sendable`); they are constants, never changed after they are
/// made, which is why they are `nonisolated(unsafe)`.
enum OpenAPISchemas {
    typealias Schema = [String: Any]

    static func ref(_ name: String) -> Schema { ["$ref": "#/components/schemas/\(name)"] }
    static func array(_ items: Schema) -> Schema { ["type": "array", "items": items] }
    static func object(_ properties: [String: Schema], required: [String] = []) -> Schema {
        var s: Schema = ["type": "object", "properties": properties]
        if !required.isEmpty { s["required"] = required }
        return s
    }
    static func oneOf(_ values: [String]) -> Schema { ["type": "string", "enum": values] }
    /// A page of search results: the rows under `name`, and `next`, the cursor of the next page.
    static func page(_ name: String, _ item: Schema) -> Schema {
        object([name: array(item), "next": ["type": "string", "description": "Cursor of the next page; absent on the last."]], required: [name])
    }

    nonisolated(unsafe) static let string: Schema = ["type": "string"]
    nonisolated(unsafe) static let strings = array(string)
    nonisolated(unsafe) static let text: Schema = ["type": "string", "minLength": 1]
    nonisolated(unsafe) static let integer: Schema = ["type": "integer"]
    nonisolated(unsafe) static let number: Schema = ["type": "number"]
    nonisolated(unsafe) static let boolean: Schema = ["type": "boolean"]
    nonisolated(unsafe) static let time: Schema = ["type": "string", "format": "date-time"]
    nonisolated(unsafe) static let sha256: Schema = ["type": "string", "pattern": "^[0-9a-fA-F]{64}$"]
    nonisolated(unsafe) static let role = oneOf(["operator", "analyst", "admin", "supervisor", "gate"])
    nonisolated(unsafe) static let channel = oneOf(["green", "yellow", "red"])
    nonisolated(unsafe) static let severity = oneOf(["info", "warning", "alarm"])

    /// Query parameters by name: every name an operation lists must be here.
    nonisolated(unsafe) static let query: [String: Schema] = [
        "kind": ["type": "string", "description": "Exact kind, or a family prefix (`radiation.*`)."],
        "device": text, "site": text, "lane": text, "severity": severity,
        "since": time, "until": time,
        "cursor": ["type": "string", "description": "`next` of the previous page."],
        "after": ["type": "string", "description": "A feed item's `cursor`."],
        "limit": ["type": "integer", "minimum": 1, "maximum": 1000],
        "order": oneOf(["asc", "desc"]),
        "declaration": text, "number": text, "container": ["type": "string", "description": "ISO 6346, e.g. CSQU3054383."],
        "plate": text, "seal": text, "ucr": text, "channel": channel,
        "minScore": ["type": "number", "minimum": 0, "maximum": 100],
        "maxScore": ["type": "number", "minimum": 0, "maximum": 100],
        "state": oneOf(["open", "adjudicated"]),
        "queue": ["type": "string", "enum": ReviewQueue.filters, "description": "Which scans: waiting, claimed, second (awaiting a second analyst), done, or overdue."],
        "version": ["type": "integer", "minimum": 1],
        "action": text, "actor": text,
        "before": ["type": "integer", "description": "An audit entry's `seq`: older entries only."],
        "by": oneOf(["hour", "day"]),
        "slowest": ["type": "integer", "minimum": 0, "maximum": TimeReleaseParameters.maxSlowest,
                    "description": "How many of the slowest passages to list (default 10)."],
    ]

    // Shorthands the routes' operations share.
    nonisolated(unsafe) static let eventRef = ref("InspectionEvent")
    nonisolated(unsafe) static let declarationRef = ref("Declaration")
    nonisolated(unsafe) static let links = object(["links": array(ref("Link"))], required: ["links"])
    nonisolated(unsafe) static let html: Schema = ["type": "string", "description": "An HTML page."]
    nonisolated(unsafe) static let csv: Schema = ["type": "string", "description": "RFC 4180 CSV with a header row."]
    nonisolated(unsafe) static let bytes: Schema = ["type": "string", "contentEncoding": "binary"]

    /// A path segment's type: hashes are 64 hex digits, the rest any non-empty text.
    static func path(_ name: String) -> Schema { name == "sha256" ? sha256 : text }

    nonisolated(unsafe) static let problem = object(["field": string, "reason": string], required: ["field", "reason"])

    nonisolated(unsafe) static let event = object(
        [
            "id": ["type": "string", "pattern": "^[0-9A-HJKMNP-TV-Z]{26}$"],
            "schema": ["const": "niihub.event/1"],
            "kind": ["type": "string", "pattern": "^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$"],
            "device": object(["id": text, "profile": text, "family": text], required: ["id", "profile", "family"]),
            "site": text, "lane": text, "observedAt": time, "receivedAt": time,
            "subject": object([
                "containers": array(["type": "string", "pattern": "^[A-Z]{3}[UJZ][0-9]{7}$"]), "seals": strings,
                "plates": strings, "ucr": text, "declaration": text,
            ]),
            "data": ["type": "object", "description": "The kind's own fields (see the README's tables)."],
            "severity": severity,
            "raw": object(["sha256": ["type": "string", "pattern": "^[0-9a-f]{64}$"], "format": text], required: ["sha256", "format"]),
        ],
        required: ["id", "schema", "kind", "device", "observedAt", "receivedAt", "subject", "data", "severity", "raw"])

    /// A customs office code.
    nonisolated(unsafe) static let office: Schema = ["type": "string", "pattern": "^[A-Za-z0-9]{2,17}$"]

    nonisolated(unsafe) static let declaration = object(
        [
            "number": ["type": "string", "pattern": "^[A-Za-z0-9/-]{4,40}$"], "ucr": string,
            "type": oneOf(["import", "export", "transit"]), "office": office, "site": string,
            "trader": object(
                ["tin": ["type": "string", "pattern": "^[A-Za-z0-9-]{5,20}$"], "name": string, "aeo": boolean,
                 "complianceLevel": oneOf(["high", "medium", "low"])],
                required: ["tin"]),
            "containers": array(["type": "string", "pattern": "^[A-Z]{3}[UJZ][0-9]{7}$", "description": "ISO 6346 with its check digit."]),
            "seals": array(["type": "string", "minLength": 1, "maxLength": 40]),
            "plates": array(["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9 .-]{1,20}$"]),
            "goods": array(object(
                ["hsCode": ["type": "string", "pattern": "^[0-9]{6,10}$"], "description": string, "quantity": number, "unit": string],
                required: ["hsCode"])),
            "channel": channel,
            "transit": object(
                [
                    "origin": office, "destination": office,
                    "corridor": array(["type": "array", "items": number, "minItems": 2, "maxItems": 2]),
                    "route": string, "bufferM": number, "start": time, "end": time,
                ], required: ["origin", "destination", "start", "end"]),
            "issuedAt": time,
            "version": ["type": "integer", "description": "Set by the hub."],
            "status": oneOf(["active", "cancelled"]), "cancelReason": string, "receivedAt": time,
        ],
        required: ["number", "type", "office", "trader", "channel"])

    nonisolated(unsafe) static let link = object(
        [
            "eventID": string, "declaration": string, "version": integer,
            "kind": oneOf(["container", "seal", "plate", "ucr"]), "value": string,
            "confidence": ["type": "number", "minimum": 0, "maximum": 1], "evidence": string,
        ],
        required: ["eventID", "declaration", "version", "kind", "value", "confidence", "evidence"])

    nonisolated(unsafe) static let linkedEvent = object(
        ["event": ref("InspectionEvent"), "links": array(ref("Link")), "rawURL": string], required: ["event", "links", "rawURL"])

    nonisolated(unsafe) static let passage = object(
        [
            "id": string, "passage": string, "revision": integer, "ambiguous": boolean,
            "ambiguities": array(object(["event": string, "candidates": strings, "reason": string], required: ["event", "candidates", "reason"])),
            "site": string, "lane": string, "startedAt": time, "endedAt": time, "containers": strings,
            "plates": strings, "seals": strings,
            "declarations": array(object(["number": string, "channel": channel, "score": number, "assessment": string], required: ["number"])),
            "rpmResult": oneOf(["alarm", "clear"]), "scanResult": string, "alarmed": boolean, "missing": strings,
            "severity": severity, "raw": object(["sha256": string, "format": string]),
        ],
        required: ["id", "ambiguous", "ambiguities", "containers", "plates", "seals", "declarations", "alarmed", "missing", "severity", "raw"])

    nonisolated(unsafe) static let declarationSummary = object(
        ["declaration": ref("Declaration"), "channel": channel, "score": number, "assessment": string], required: ["declaration"])

    nonisolated(unsafe) static let adjudication = object(
        [
            "seq": integer, "eventID": string, "code": oneOf(Adjudication.Code.allCases.map(\.rawValue)),
            "outcome": oneOf(["false-alarm", "cleared", "referred"]), "note": string,
            "isotopes": strings, "secondaryInspection": oneOf(["none", "requested", "completed"]), "by": string, "at": time,
        ],
        required: ["eventID", "outcome", "isotopes", "secondaryInspection", "by", "at"])

    nonisolated(unsafe) static let acknowledgement = object(
        ["seq": integer, "eventID": string, "by": string, "at": time], required: ["eventID", "by", "at"])

    nonisolated(unsafe) static let token = object(
        [
            "id": string, "kind": oneOf(["session", "api"]), "owner": string, "role": role, "label": string,
            "createdAt": time, "expiresAt": time, "revokedAt": time,
        ],
        required: ["id", "kind", "owner", "role", "createdAt", "expiresAt"])

    nonisolated(unsafe) static let auditEntry = object(
        ["seq": integer, "at": time, "actor": string, "role": string, "action": string, "target": string, "detail": string],
        required: ["at", "actor", "action"])

    nonisolated(unsafe) static let device = object(
        [
            "id": string, "profile": string, "family": string, "protocol": string, "site": string, "lane": string,
            "port": string, "state": oneOf(["online", "silent", "offline", "faulted", "tampered", "disabled", "connecting"]),
            "since": time, "reason": string, "link": oneOf(["connecting", "up", "down", "disabled"]), "activeFaults": strings, "tampered": boolean, "silent": boolean,
            "lastFrameAt": time, "lastEventAt": time, "connects": integer, "connections": integer, "lastError": string,
            "serial": string, "events": integer, "storeFailures": integer, "counters": ["type": "object"], "heartbeatIntervalS": number,
            "maxSilenceS": number,
        ],
        required: ["id", "profile", "state"])

    nonisolated(unsafe) static let transitPoint = object(
        ["lat": number, "lon": number, "at": time, "distanceM": number, "outside": boolean],
        required: ["lat", "lon", "at", "distanceM", "outside"])

    nonisolated(unsafe) static let transit = object(
        [
            "declaration": string, "seal": string, "origin": string, "destination": string,
            "corridor": array(["type": "array", "items": number, "minItems": 2, "maxItems": 2]), "bufferM": number, "end": time,
            "track": array(ref("TransitPoint")), "position": ref("TransitPoint"), "leftAt": ref("TransitPoint"),
            "deviations": integer, "sealReport": string,
            "status": oneOf(["on-route", "deviated", "overdue", "signal-lost", "seal-alarm"]), "lastFinding": string,
        ],
        required: ["declaration", "seal", "corridor", "bufferM", "track", "deviations", "status"])

    nonisolated(unsafe) static let components: [String: Schema] = [
        "Error": object(
            ["error": string, "field": ["type": "string", "description": "The parameter or body field at fault."],
             "problems": array(ref("Problem"))],
            required: ["error"]),
        "Problem": problem,
        "InspectionEvent": event,
        "Declaration": declaration,
        "Link": link,
        "LinkedEvent": linkedEvent,
        "Passage": passage,
        "DeclarationSummary": declarationSummary,
        "Adjudication": adjudication,
        "Acknowledgement": acknowledgement,
        "Token": token,
        "User": object(["user": text, "role": role], required: ["user", "role"]),
        "AuditEntry": auditEntry,
        "Device": device,
        "Transit": transit,
        "TransitPoint": transitPoint,
    ].merging(ReviewSchemas.components) { a, _ in a }.merging(TimeReleaseSchemas.components) { a, _ in a }
}
