import Foundation
import HTTPTypes
import HubStore

/// The API described as OpenAPI 3.1, served at `/api/v1/openapi.json`. Each operation's roles come
/// from the rule its route was registered with, so the document and the router cannot disagree.
enum OpenAPIDocument {
    typealias Schema = OpenAPISchemas.Schema

    /// One operation: a method, a path with `{name}` segments, what it does, what it takes and answers.
    struct Operation {
        var method: String
        var path: String
        var summary: String
        /// Query parameter names; their types are in `OpenAPISchemas.query`.
        var query: [String] = []
        /// The request body's media type and schema, when it takes one.
        var body: (type: String, schema: Schema)?
        /// The success response's media type and schema.
        var produces = "application/json"
        var response: Schema
        var status = "200"
        /// Answers particular to this operation, by status.
        var answers: [String: String] = [:]
    }

    static let eventFilters = ["kind", "device", "site", "lane", "severity", "since", "until", "cursor", "limit", "order"]
    static let passageFilters = [
        "declaration", "container", "plate", "seal", "channel", "minScore", "maxScore", "site", "lane", "since", "until",
        "cursor", "limit", "order",
    ]

    static let declarationFilters = [
        "number", "container", "plate", "seal", "ucr", "site", "since", "until", "channel", "minScore", "maxScore", "cursor",
        "limit",
    ]

    private typealias S = OpenAPISchemas
    private static let jsonType = "application/json"
    nonisolated(unsafe) private static let event = S.ref("InspectionEvent")
    nonisolated(unsafe) private static let declaration = S.ref("Declaration")
    nonisolated(unsafe) private static let html: Schema = ["type": "string", "description": "An HTML page."]
    nonisolated(unsafe) private static let csv: Schema = ["type": "string", "description": "RFC 4180 CSV with a header row."]
    nonisolated(unsafe) private static let bytes: Schema = ["type": "string", "contentEncoding": "binary"]
    nonisolated(unsafe) private static let links = S.object(["links": S.array(S.ref("Link"))], required: ["links"])
    nonisolated(unsafe) private static let declarationList = S.object(["declarations": S.array(declaration)], required: ["declarations"])

    nonisolated(unsafe) private static let admissionDecision = S.object(
        ["device": S.string, "unit": S.string, "decision": S.oneOf(["approved", "denied"])], required: ["device", "unit", "decision"])

    nonisolated(unsafe) static let operations: [Operation] = [
        Operation(
            method: "get", path: "/healthz", summary: "Health: store counts and devices by state.",
            response: S.object(
                ["status": S.string, "site": S.string,
                 "store": S.object(["events": S.integer, "rawRecords": S.integer, "rawBytes": S.integer]),
                 "storeError": S.string, "devices": ["type": "object", "additionalProperties": S.integer]],
                required: ["status", "site", "devices"])),
        Operation(method: "get", path: "/", summary: "The operator page.", produces: "text/html", response: html),
        Operation(
            method: "post", path: "/api/v1/login", summary: "Log in with a user name and password; returns a bearer token.",
            body: (jsonType, S.object(["user": S.text, "password": S.text], required: ["user", "password"])),
            response: S.object(["token": S.string, "user": S.string, "role": S.role, "expiresAt": S.time], required: ["token", "user", "role", "expiresAt"]),
            answers: ["429": "Too many failed logins for this name or from this address; `Retry-After` says when to try again."]),
        Operation(method: "post", path: "/api/v1/logout", summary: "Revoke the calling token.", response: S.object(["loggedOut": S.boolean], required: ["loggedOut"])),
        Operation(
            method: "get", path: "/api/v1/whoami", summary: "The caller's identity and role.",
            response: S.object(["name": S.string, "role": S.role, "tokenID": S.string], required: ["name", "role", "tokenID"])),
        Operation(
            method: "get", path: "/api/v1/live", summary: "WebSocket of live alarms (`?token=` allowed here only).",
            response: S.object(["type": S.oneOf(["event", "adjudication"]), "event": event, "adjudication": S.ref("Adjudication")], required: ["type"])),
        Operation(method: "get", path: "/metrics", summary: "Prometheus metrics.", produces: "text/plain", response: ["type": "string", "description": "Prometheus text exposition 0.0.4."]),
        Operation(method: "get", path: "/api/v1/events", summary: "Events, filtered and paginated with cursors.", query: eventFilters, response: S.page("events", event)),
        Operation(method: "get", path: "/api/v1/events/{id}", summary: "One event.", response: event),
        Operation(method: "get", path: "/api/v1/events/{id}/links", summary: "The declarations an event is linked to, and why.", response: links),
        Operation(method: "get", path: "/api/v1/events/{id}/n42", summary: "A radiation.occupancy event as an N42.42-2012 document.", produces: "application/xml", response: ["type": "string", "description": "An N42.42-2012 RadInstrumentData document."]),
        Operation(
            method: "get", path: "/api/v1/raw/{sha256}", summary: "A raw record by SHA-256.",
            response: S.object(
                ["sha256": S.string, "format": S.string, "device": S.string, "firstReceivedAt": S.time, "receivedAt": S.time,
                 "frames": S.integer, "bytes": S.integer, "base64": ["type": "string", "contentEncoding": "base64"], "text": S.string],
                required: ["sha256", "format", "device", "frames", "bytes", "base64"])),
        Operation(method: "get", path: "/api/v1/devices", summary: "Devices and their state.", response: S.object(["devices": S.array(S.ref("Device"))], required: ["devices"])),
        Operation(
            method: "get", path: "/api/v1/lanes", summary: "The lane board: counts, last occupancy and alarm, latest passage.",
            response: S.object(["lanes": S.array(S.object(
                ["site": S.string, "lane": S.string, "occupancies": S.integer, "alarms": S.integer, "lastOccupancy": event,
                 "lastAlarm": event, "lastEventAt": S.time, "latestPassage": S.ref("Passage")],
                required: ["site", "lane", "occupancies", "alarms"]))], required: ["lanes"])),
        Operation(
            method: "get", path: "/api/v1/transits", summary: "Active GPS-sealed transits: corridor, tolerance, recent track, position and status.",
            response: S.object(["transits": S.array(S.ref("Transit"))], required: ["transits"])),
        Operation(
            method: "get", path: "/api/v1/config", summary: "The loaded site configuration.",
            response: S.object(
                ["file": S.string, "site": S.string, "devices": S.strings, "profiles": S.strings,
                 "lastReload": S.object(["trigger": S.string, "applied": S.boolean, "error": S.string, "at": S.time, "change": ["type": "object"]])],
                required: ["devices", "profiles"])),
        Operation(
            method: "get", path: "/api/v1/alarms", summary: "Alarms and their adjudication state.", query: ["state", "lane"],
            response: S.object(["alarms": S.array(S.object(
                ["event": event, "state": S.oneOf(["open", "adjudicated"]), "adjudication": S.ref("Adjudication"),
                 "history": S.array(S.ref("Adjudication"))], required: ["event", "state", "history"]))], required: ["alarms"])),
        Operation(
            method: "post", path: "/api/v1/alarms/{id}/adjudication", summary: "Adjudicate an alarm.",
            body: (jsonType, S.object(
                ["outcome": S.oneOf(["false-alarm", "cleared", "referred"]), "note": S.string, "isotopes": S.strings,
                 "secondaryInspection": S.oneOf(["none", "requested", "completed"])], required: ["outcome"])),
            response: S.ref("Adjudication"), status: "201"),
        Operation(
            method: "post", path: "/api/v1/passages/{id}/resolve",
            summary: "Resolve an ambiguous passage: the read or scan `event` belongs to passage `id` (its `data.passage`); the passages concerned are stored again as new revisions.",
            body: (jsonType, S.object(["event": S.string], required: ["event"])),
            response: S.object(["passage": S.string, "event": S.string, "revisions": S.strings], required: ["passage", "event", "revisions"])),
        Operation(method: "get", path: "/api/v1/declarations", summary: "Declarations in force carrying an identifier.", query: ["container", "seal", "plate", "ucr"], response: declarationList),
        Operation(method: "post", path: "/api/v1/declarations", summary: "Create or amend a declaration (200 when unchanged).", body: (jsonType, declaration), response: declaration, status: "201"),
        Operation(
            method: "post", path: "/api/v1/declarations/bulk", summary: "Bulk import: JSON lines (any type but XML) or WCO XML.",
            body: ("text/plain", ["type": "string", "description": "One declaration document per line."]),
            response: S.object(
                ["stored": S.integer, "unchanged": S.integer,
                 "rejected": S.array(S.object(["line": S.integer, "problems": S.array(S.ref("Problem"))], required: ["line", "problems"]))],
                required: ["stored", "unchanged", "rejected"])),
        Operation(method: "get", path: "/api/v1/declarations/{number}", summary: "A declaration (in force, or `?version=`).", query: ["version"], response: declaration),
        Operation(method: "get", path: "/api/v1/declarations/{number}/versions", summary: "Every version of a declaration.", response: S.object(["versions": S.array(declaration)], required: ["versions"])),
        Operation(method: "get", path: "/api/v1/declarations/{number}/links", summary: "Events linked to a declaration.", response: links),
        Operation(
            method: "get", path: "/api/v1/declarations/{number}/detail", summary: "A declaration with every linked event, the links' evidence, raw record references and the latest risk assessment.",
            response: S.object(["declaration": declaration, "risk": S.ref("LinkedEvent"), "events": S.array(S.ref("LinkedEvent"))], required: ["declaration", "events"])),
        Operation(method: "post", path: "/api/v1/declarations/{number}/cancel", summary: "Cancel a declaration.", body: (jsonType, S.object(["reason": S.text], required: ["reason"])), response: declaration),
        Operation(
            method: "post", path: "/api/v1/scans", summary: "Post a scan result document (Schemas/scan-result-v1.schema.json).",
            body: (jsonType, S.object(
                ["schema": ["const": "niihub.scan-result/1"], "scanId": S.text, "scanner": ["type": "object"], "site": S.string,
                 "lane": S.string, "startedAt": S.time, "endedAt": S.time, "containers": S.strings, "plate": S.string,
                 "images": S.array(["type": "object"]), "atd": ["type": "object"], "operatorVerdict": ["type": "object"],
                 "extensions": ["type": "object"]], required: ["scanId", "scanner", "startedAt"])),
            response: event, status: "201"),
        Operation(
            method: "post", path: "/api/v1/forwarded",
            summary: "A gate hub's store-and-forward batch: events with their raw records, each kept once; answers what the central holds (409 with `through` when the batch starts past it).",
            body: (jsonType, S.object(
                ["source": S.text, "after": S.integer, "first": S.integer, "last": S.integer, "events": S.array(event),
                 "raw": S.array(S.object(
                    ["sha256": S.sha256, "format": S.string, "deviceId": S.string, "firstReceivedAt": S.time, "receivedAt": S.time,
                     "frameCount": S.integer, "bytes": ["type": "string", "contentEncoding": "base64"]],
                    required: ["sha256", "format", "deviceId", "firstReceivedAt", "receivedAt", "frameCount", "bytes"]))],
                required: ["source", "after", "first", "last", "events", "raw"])),
            response: S.object(
                ["source": S.string, "received": S.integer, "stored": S.integer, "alreadyHad": S.integer, "rawStored": S.integer,
                 "through": S.integer], required: ["source", "received", "stored", "alreadyHad", "through"])),
        Operation(
            method: "post", path: "/api/v1/blobs", summary: "Store a scanner image by SHA-256.", body: ("application/octet-stream", bytes),
            response: S.object(["sha256": S.sha256, "bytes": S.integer], required: ["sha256", "bytes"]), status: "201"),
        Operation(method: "get", path: "/api/v1/blobs/{sha256}", summary: "A stored scanner image.", produces: "application/octet-stream", response: bytes),
        Operation(
            method: "get", path: "/api/v1/feed", summary: "The risk system's pull feed.", query: ["after", "limit"],
            response: S.object(
                ["items": S.array(S.object(["cursor": S.string, "idempotencyKey": S.string, "event": event], required: ["cursor", "idempotencyKey", "event"])),
                 "next": S.string], required: ["items"])),
        Operation(method: "get", path: "/api/v1/passages", summary: "Gate passages, searched and paginated with cursors.", query: passageFilters, response: S.page("passages", S.ref("Passage"))),
        Operation(
            method: "get", path: "/api/v1/passages/{id}", summary: "A passage with its member events, their links and raw record references.",
            response: S.object(["passage": S.ref("Passage"), "event": S.ref("LinkedEvent"), "members": S.array(S.ref("LinkedEvent"))], required: ["passage", "event", "members"])),
        Operation(method: "get", path: "/api/v1/export/passages.csv", summary: "Passages as CSV (same filters; up to 1000 rows, `X-Next-Cursor` for more).", query: passageFilters, produces: "text/csv", response: csv),
        Operation(method: "get", path: "/api/v1/export/passages.json", summary: "Passages as a JSON array (same filters).", query: passageFilters, response: S.array(S.ref("Passage"))),
        Operation(method: "get", path: "/api/v1/declarations/search", summary: "Declarations (latest versions), searched and paginated with cursors (the last number).", query: declarationFilters, response: S.page("declarations", S.ref("DeclarationSummary"))),
        Operation(method: "get", path: "/api/v1/export/declarations.csv", summary: "Declarations as CSV (same filters; up to 1000 rows, `X-Next-Cursor` for more).", query: declarationFilters, produces: "text/csv", response: csv),
        Operation(method: "get", path: "/api/v1/export/declarations.json", summary: "Declarations as a JSON array (same filters).", query: declarationFilters, response: S.array(S.ref("DeclarationSummary"))),
        Operation(method: "get", path: "/api/v1/audit", summary: "The audit log.", query: ["action", "actor", "before", "limit"], response: S.object(["entries": S.array(S.ref("AuditEntry"))], required: ["entries"])),
        Operation(method: "get", path: "/api/v1/tokens", summary: "API tokens.", response: S.object(["tokens": S.array(S.ref("Token"))], required: ["tokens"])),
        Operation(
            method: "post", path: "/api/v1/tokens", summary: "Create an API token (the secret is shown once).",
            body: (jsonType, S.object(["role": S.role, "label": S.string, "owner": S.string, "lifetimeS": ["type": "integer", "minimum": 1]], required: ["role"])),
            response: S.object(["token": S.string, "info": S.ref("Token")], required: ["token", "info"]), status: "201"),
        Operation(method: "post", path: "/api/v1/tokens/{id}/revoke", summary: "Revoke a token.", response: S.object(["revoked": S.string], required: ["revoked"])),
        Operation(
            method: "post", path: "/api/v1/users", summary: "Create a user.",
            body: (jsonType, S.object(["user": S.text, "role": S.role, "password": ["type": "string", "minLength": 8]], required: ["user", "role", "password"])),
            response: S.ref("User"), status: "201"),
        Operation(method: "get", path: "/api/v1/openapi.json", summary: "This document.", response: ["type": "object", "description": "An OpenAPI 3.1 document.", "required": ["openapi", "paths"]]),
        Operation(
            method: "get", path: "/api/v1/admission/pending",
            summary: "Units that dialled in to a listener without being admitted (refused or quarantined), and each listener's policy.",
            response: S.object(
                ["pending": S.array(S.object(
                    ["device": S.string, "unit": S.string, "verdict": S.oneOf(["quarantined", "refused"]), "firstSeen": S.time,
                     "lastSeen": S.time, "remoteAddress": S.string, "frames": S.integer, "connections": S.integer],
                    required: ["device", "unit", "verdict", "firstSeen", "lastSeen", "frames", "connections"])),
                 "notListed": S.integer,
                 "listeners": S.array(S.object(
                    ["device": S.string, "admission": S.oneOf(["known", "quarantine", "open"]), "units": S.strings],
                    required: ["device", "admission", "units"]))],
                required: ["pending", "notListed", "listeners"])),
        Operation(
            method: "post", path: "/api/v1/admission/{device}/{unit}/approve",
            summary: "Admit a unit at a listener from its next connection (kept across restarts).", response: admissionDecision),
        Operation(
            method: "post", path: "/api/v1/admission/{device}/{unit}/deny",
            summary: "Refuse a unit at a listener from its next connection (kept across restarts).", response: admissionDecision),
    ]

    /// Who may call an operation, from its route's rule (none: not served, so no credential opens it).
    static func access(_ op: Operation, rules: [RouteRule]) -> Access {
        let pattern = op.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        return rules.first { $0.method.rawValue == op.method.uppercased() && $0.pattern == pattern }?.access ?? .roles([])
    }

    static func roles(_ access: Access) -> String {
        switch access {
        case .open: return "No credential needed."
        case .roles(let r): return "Roles: " + r.map(\.rawValue).sorted().joined(separator: ", ") + "."
        }
    }

    static func document(rules: [RouteRule]) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            var parameters: [[String: Any]] = []
            var start = op.path.startIndex
            while let open = op.path[start...].firstIndex(of: "{"), let close = op.path[open...].firstIndex(of: "}") {
                let name = String(op.path[op.path.index(after: open)..<close])
                parameters.append(["name": name, "in": "path", "required": true, "schema": OpenAPISchemas.path(name)])
                start = close
            }
            for q in op.query {
                parameters.append(["name": q, "in": "query", "required": false, "schema": OpenAPISchemas.query[q] ?? [:]])
            }
            let access = access(op, rules: rules)
            let open = access == .open
            var responses: [String: Any] = [
                op.status: ["description": "Success", "content": [op.produces: ["schema": op.response]]],
                "400": error("A parameter or body is invalid; `field` names it (`problems` for a document)."),
                "401": error("No valid credential."),
                "403": error("The caller's role may not call this."),
                "404": error("Not found."),
            ]
            for (status, text) in op.answers { responses[status] = error(text) }
            var operation: [String: Any] = [
                "summary": op.summary,
                "description": roles(access),
                "parameters": parameters,
                "responses": responses,
            ]
            if open { operation["security"] = [[String: Any]]() }
            if let body = op.body {
                operation["requestBody"] = ["required": true, "content": [body.type: ["schema": body.schema]]]
                var responses = operation["responses"] as? [String: Any] ?? [:]
                responses["413"] = ["description": "The body is larger than this route accepts."]
                responses["415"] = ["description": "The body's Content-Type is not one this route reads."]
                operation["responses"] = responses
            }
            paths[op.path, default: [:]][op.method] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "NII Hub API", "version": "1"],
            "servers": [["url": "/"]],
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]], "schemas": OpenAPISchemas.components,
            ] as [String: Any],
            "security": [["bearer": [String]()]],
            "paths": paths,
        ]
    }

    /// An error answer: `{"error", "field", "problems"}`.
    private static func error(_ description: String) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": OpenAPISchemas.ref("Error")]]]
    }

    static func json(rules: [RouteRule]) -> Data {
        (try? JSONSerialization.data(withJSONObject: document(rules: rules), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
