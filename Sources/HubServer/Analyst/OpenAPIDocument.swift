import Foundation
import HTTPTypes
import HubStore

/// The API described as OpenAPI 3.1, served at `/api/v1/openapi.json`. Each operation's roles come
/// from `AccessPolicy`, so the document and the policy cannot disagree.
enum OpenAPIDocument {
    /// One operation: a method, a path with `{name}` segments, what it does, and what it takes.
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var query: [String] = []
        /// The request body's media type, when it takes one.
        var body: String?
        /// The success response's media type.
        var produces = "application/json"
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

    static let operations: [Operation] = [
        Operation(method: "get", path: "/healthz", summary: "Health: store counts and devices by state."),
        Operation(method: "get", path: "/", summary: "The operator page.", produces: "text/html"),
        Operation(method: "post", path: "/api/v1/login", summary: "Log in with a user name and password; returns a bearer token.", body: "application/json",
                  answers: ["429": "Too many failed logins for this name or from this address; `Retry-After` says when to try again."]),
        Operation(method: "post", path: "/api/v1/logout", summary: "Revoke the calling token."),
        Operation(method: "get", path: "/api/v1/whoami", summary: "The caller's identity and role."),
        Operation(method: "get", path: "/api/v1/live", summary: "WebSocket of live alarms (`?token=` allowed here only)."),
        Operation(method: "get", path: "/metrics", summary: "Prometheus metrics.", produces: "text/plain"),
        Operation(method: "get", path: "/api/v1/events", summary: "Events, filtered and paginated with cursors.", query: eventFilters),
        Operation(method: "get", path: "/api/v1/events/{id}", summary: "One event."),
        Operation(method: "get", path: "/api/v1/events/{id}/links", summary: "The declarations an event is linked to, and why."),
        Operation(method: "get", path: "/api/v1/events/{id}/n42", summary: "A radiation.occupancy event as an N42.42-2012 document.", produces: "application/xml"),
        Operation(method: "get", path: "/api/v1/raw/{sha256}", summary: "A raw record by SHA-256."),
        Operation(method: "get", path: "/api/v1/devices", summary: "Devices and their state."),
        Operation(method: "get", path: "/api/v1/lanes", summary: "The lane board: counts, last occupancy and alarm, latest passage."),
        Operation(method: "get", path: "/api/v1/config", summary: "The loaded site configuration."),
        Operation(method: "get", path: "/api/v1/alarms", summary: "Alarms and their adjudication state.", query: ["state", "lane"]),
        Operation(method: "post", path: "/api/v1/alarms/{id}/adjudication", summary: "Adjudicate an alarm.", body: "application/json"),
        Operation(method: "get", path: "/api/v1/declarations", summary: "Declarations in force carrying an identifier.", query: ["container", "seal", "plate", "ucr"]),
        Operation(method: "post", path: "/api/v1/declarations", summary: "Create or amend a declaration.", body: "application/json", status: "201"),
        Operation(method: "post", path: "/api/v1/declarations/bulk", summary: "Bulk import: JSON lines (any type but XML) or WCO XML.", body: "text/plain"),
        Operation(method: "get", path: "/api/v1/declarations/{number}", summary: "A declaration (in force, or `?version=`).", query: ["version"]),
        Operation(method: "get", path: "/api/v1/declarations/{number}/versions", summary: "Every version of a declaration."),
        Operation(method: "get", path: "/api/v1/declarations/{number}/links", summary: "Events linked to a declaration."),
        Operation(method: "get", path: "/api/v1/declarations/{number}/detail", summary: "A declaration with every linked event, the links' evidence, raw record references and the latest risk assessment."),
        Operation(method: "post", path: "/api/v1/declarations/{number}/cancel", summary: "Cancel a declaration.", body: "application/json"),
        Operation(method: "post", path: "/api/v1/scans", summary: "Post a scan result document.", body: "application/json", status: "201"),
        Operation(method: "post", path: "/api/v1/blobs", summary: "Store a scanner image by SHA-256.", body: "application/octet-stream", status: "201"),
        Operation(method: "get", path: "/api/v1/blobs/{sha256}", summary: "A stored scanner image.", produces: "application/octet-stream"),
        Operation(method: "get", path: "/api/v1/feed", summary: "The risk system's pull feed.", query: ["after", "limit"]),
        Operation(method: "get", path: "/api/v1/passages", summary: "Gate passages, searched and paginated with cursors.", query: passageFilters),
        Operation(method: "get", path: "/api/v1/passages/{id}", summary: "A passage with its member events, their links and raw record references."),
        Operation(method: "get", path: "/api/v1/export/passages.csv", summary: "Passages as CSV (same filters; up to 1000 rows, `X-Next-Cursor` for more).", query: passageFilters, produces: "text/csv"),
        Operation(method: "get", path: "/api/v1/export/passages.json", summary: "Passages as a JSON array (same filters).", query: passageFilters),
        Operation(method: "get", path: "/api/v1/declarations/search", summary: "Declarations (latest versions), searched and paginated with cursors (the last number).", query: declarationFilters),
        Operation(method: "get", path: "/api/v1/export/declarations.csv", summary: "Declarations as CSV (same filters; up to 1000 rows, `X-Next-Cursor` for more).", query: declarationFilters, produces: "text/csv"),
        Operation(method: "get", path: "/api/v1/export/declarations.json", summary: "Declarations as a JSON array (same filters).", query: declarationFilters),
        Operation(method: "get", path: "/api/v1/audit", summary: "The audit log.", query: ["action", "actor", "before", "limit"]),
        Operation(method: "get", path: "/api/v1/tokens", summary: "API tokens."),
        Operation(method: "post", path: "/api/v1/tokens", summary: "Create an API token.", body: "application/json", status: "201"),
        Operation(method: "post", path: "/api/v1/tokens/{id}/revoke", summary: "Revoke a token."),
        Operation(method: "post", path: "/api/v1/users", summary: "Create a user.", body: "application/json", status: "201"),
        Operation(method: "get", path: "/api/v1/openapi.json", summary: "This document."),
        Operation(method: "get", path: "/api/v1/admission/pending", summary: "Units that dialled in to a listener without being admitted (refused or quarantined), and each listener's policy."),
        Operation(method: "post", path: "/api/v1/admission/{device}/{unit}/approve", summary: "Admit a unit at a listener from its next connection (kept across restarts)."),
        Operation(method: "post", path: "/api/v1/admission/{device}/{unit}/deny", summary: "Refuse a unit at a listener from its next connection (kept across restarts)."),
    ]

    /// Who may call an operation, from the access policy.
    static func access(_ op: Operation) -> AccessPolicy.Access {
        let pattern = op.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        return AccessPolicy.rule(HTTPRequest.Method(op.method.uppercased())!, pattern).access
    }

    static func roles(_ op: Operation) -> String {
        switch access(op) {
        case .open: return "No credential needed."
        case .roles(let r): return "Roles: " + r.map(\.rawValue).sorted().joined(separator: ", ") + "."
        }
    }

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            var parameters: [[String: Any]] = []
            var start = op.path.startIndex
            while let open = op.path[start...].firstIndex(of: "{"), let close = op.path[open...].firstIndex(of: "}") {
                let name = String(op.path[op.path.index(after: open)..<close])
                parameters.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"]])
                start = close
            }
            for q in op.query {
                parameters.append(["name": q, "in": "query", "required": false, "schema": ["type": "string"]])
            }
            let open = access(op) == .open
            var responses: [String: Any] = [
                op.status: ["description": "Success", "content": [op.produces: ["schema": [:] as [String: Any]]]],
                "400": ["description": "A parameter or body is invalid; `field` names it."],
                "401": ["description": "No valid credential."],
                "403": ["description": "The caller's role may not call this."],
                "404": ["description": "Not found."],
            ]
            for (status, text) in op.answers { responses[status] = ["description": text] }
            var operation: [String: Any] = [
                "summary": op.summary,
                "description": roles(op),
                "parameters": parameters,
                "responses": responses,
            ]
            if open { operation["security"] = [[String: Any]]() }
            if let body = op.body {
                let schema: [String: Any] = body == "application/json" ? ["type": "object"] : ["type": "string"]
                operation["requestBody"] = ["required": true, "content": [body: ["schema": schema]]]
            }
            paths[op.path, default: [:]][op.method] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "NII Hub API", "version": "1"],
            "servers": [["url": "/"]],
            "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]],
            "security": [["bearer": [String]()]],
            "paths": paths,
        ]
    }

    static func json() -> Data {
        (try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
