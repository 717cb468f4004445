import Foundation
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Declarations through the HTTP API: versions, cancellation, lookups by observed identifiers, bulk.
@Suite(.timeLimit(.minutes(1)))
struct DeclarationAPITests {
    static func doc(_ number: String, containers: [String], channel: String = "green", plate: String = "51C-123.45") -> String {
        """
        {"number": "\(number)", "type": "import", "office": "03CE", "trader": {"tin": "0301234567"},
         "containers": [\(containers.map { "\"\($0)\"" }.joined(separator: ", "))], "plates": ["\(plate)"],
         "channel": "\(channel)"}
        """
    }

    func post(_ h: HubHarness, _ path: String, _ body: String) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(h.port)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    @Test func createAmendCancelAndFind() async throws {
        let h = try await HubHarness(label: "decl")
        let (created, first) = try await post(h, "/api/v1/declarations", Self.doc("100000000001", containers: ["CSQU3054383"]))
        #expect(created == 201)
        #expect(first["version"] as? Int == 1 && first["status"] as? String == "active")
        // The same document again: nothing new.
        let (same, again) = try await post(h, "/api/v1/declarations", Self.doc("100000000001", containers: ["CSQU3054383"]))
        #expect(same == 200 && again["version"] as? Int == 1)
        // An amendment: another container, a red channel.
        let (amended, v2) = try await post(
            h, "/api/v1/declarations", Self.doc("100000000001", containers: ["TCNU7200794"], channel: "red"))
        #expect(amended == 201 && v2["version"] as? Int == 2)
        // Found by what devices see, through the version in force only.
        let byNew = try await h.get("/api/v1/declarations?container=tcnu-720079-4").json["declarations"] as? [[String: Any]]
        #expect(byNew?.map { $0["number"] as? String } == ["100000000001"])
        let byOld = try await h.get("/api/v1/declarations?container=CSQU3054383").json["declarations"] as? [[String: Any]]
        #expect(byOld?.isEmpty == true)
        let byPlate = try await h.get("/api/v1/declarations?plate=51c12345").json["declarations"] as? [[String: Any]]
        #expect(byPlate?.count == 1)
        #expect(try await h.get("/api/v1/declarations/100000000001?version=1").json["channel"] as? String == "green")
        #expect((try await h.get("/api/v1/declarations/100000000001/versions").json["versions"] as? [Any])?.count == 2)
        // Cancelled: a new version, and no longer found by its identifiers.
        let (cancelled, v3) = try await post(h, "/api/v1/declarations/100000000001/cancel", "{\"reason\": \"withdrawn by the trader\"}")
        #expect(cancelled == 200 && v3["status"] as? String == "cancelled" && v3["version"] as? Int == 3)
        #expect((try await h.get("/api/v1/declarations?container=TCNU7200794").json["declarations"] as? [Any])?.isEmpty == true)
        #expect(try await h.get("/api/v1/declarations/999").status == 404)
        #expect(try await h.get("/api/v1/declarations?container=CSQU3054384").status == 400)
        try await h.stop()
    }

    @Test func aBadDocumentGets400PerFieldAndNothingIsStored() async throws {
        let h = try await HubHarness(label: "decl-bad")
        let (status, body) = try await post(
            h, "/api/v1/declarations", Self.doc("100000000002", containers: ["CSQU3054384"], channel: "blue"))
        #expect(status == 400)
        let problems = body["problems"] as? [[String: String]] ?? []
        #expect(Set(problems.compactMap { $0["field"] }) == ["containers[0]", "channel"])
        #expect(try await h.get("/api/v1/declarations/100000000002").status == 404)
        try await h.stop()
    }

    @Test func bulkImportFromJSONLines() async throws {
        let h = try await HubHarness(label: "decl-bulk")
        let lines = [
            Self.doc("200000000001", containers: ["CSQU3054383"]), Self.doc("200000000002", containers: ["TCNU7200794"]),
            "{\"number\": \"x\"}", Self.doc("200000000001", containers: ["CSQU3054383"]),
        ].map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        let (status, body) = try await post(h, "/api/v1/declarations/bulk", lines)
        #expect(status == 400, "one line was bad")
        #expect(body["stored"] as? Int == 2 && body["unchanged"] as? Int == 1)
        let rejected = body["rejected"] as? [[String: Any]]
        #expect(rejected?.first?["line"] as? Int == 3)
        #expect(try await h.get("/api/v1/declarations/200000000002").status == 200)
        try await h.stop()
    }
}
