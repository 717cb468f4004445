import Foundation
import HubAppTesting
import HubDevices
import HubServer
import HubTesting
import Testing

/// The analyst's search over passages, the detail views, the exports, the N42 export of an
/// occupancy and the lane board's latest passage, on a passage made from device bytes.
@Suite(.timeLimit(.minutes(2)))
struct AnalystAPITests {
    @Test func searchDetailExportAndLaneBoard() async throws {
        let (h, pty) = try await PassageTests.alarmedPassage(label: "analyst", containerRead: "CSQU3054383")
        #expect(try await h.post("/api/v1/declarations", DeclarationSamples.doc("400000000002", containers: ["CSQU3054383"])).status == 201)
        // The risk assessment makes it red; the search finds it by channel once it has.
        var found: [[String: Any]] = []
        #expect(await eventually {
            found = (try? await h.get("/api/v1/passages?channel=red&container=CSQU3054383").json["passages"] as? [[String: Any]]) ?? []
            return found.count == 1
        })
        let passage = try #require(found.first)
        let id = try #require(passage["id"] as? String)
        #expect(passage["rpmResult"] as? String == "alarm")
        #expect(passage["plates"] as? [String] == ["51C12345"])
        let declaration = try #require((passage["declarations"] as? [[String: Any]])?.first)
        #expect(declaration["number"] as? String == "400000000002")
        #expect((declaration["score"] as? Double).map { $0 > 0 } == true)

        // Filters that exclude it, and bad ones.
        for query in ["channel=green", "plate=99X99999", "declaration=X9", "minScore=101", "seal=NOPE", "until=2000-01-01T00:00:00Z"] {
            let r = try await h.get("/api/v1/passages?\(query)")
            #expect(r.status == 200 && (r.json["passages"] as? [Any])?.isEmpty == true, "\(query)")
        }
        for query in ["channel=blue", "minScore=x", "container=NOTACONTAINER", "limit=0", "limit=1001", "cursor=zz"] {
            #expect(try await h.get("/api/v1/passages?\(query)").status == 400, "\(query)")
        }
        #expect(try await h.get("/api/v1/passages?declaration=400000000002&minScore=1&maxScore=100").json["passages"] as? [Any] != nil)

        // The passage in detail: every member event with its links and raw record reference.
        let detail = try await h.get("/api/v1/passages/\(id)")
        #expect(detail.status == 200)
        let members = try #require(detail.json["members"] as? [[String: Any]])
        // The two reads, the vehicle's start and its occupancy.
        #expect(members.count == 4)
        #expect(members.contains { ($0["event"] as? [String: Any])?["kind"] as? String == "radiation.occupancy-start" })
        for m in members {
            let raw = try #require(m["rawURL"] as? String)
            #expect(try await h.get(raw).status == 200, "\(raw)")
        }
        let occupancy = try #require(members.first { ($0["event"] as? [String: Any])?["kind"] as? String == "radiation.occupancy" })
        let occupancyID = try #require((occupancy["event"] as? [String: Any])?["id"] as? String)
        #expect(try await h.get("/api/v1/passages/\(occupancyID)").status == 404)

        // The declaration in detail: the passage among its linked events, with evidence, and its risk.
        let d = try await h.get("/api/v1/declarations/400000000002/detail")
        #expect(d.status == 200)
        let linked = try #require(d.json["events"] as? [[String: Any]])
        #expect(linked.contains { ($0["event"] as? [String: Any])?["id"] as? String == id })
        #expect(linked.allSatisfy { !(($0["links"] as? [[String: Any]]) ?? []).isEmpty })
        #expect(((d.json["risk"] as? [String: Any])?["event"] as? [String: Any])?["kind"] as? String == "risk.assessment")
        #expect(try await h.get("/api/v1/declarations/NOPE/detail").status == 404)

        // Exports with the same filters.
        let csv = try await h.request("GET", "/api/v1/export/passages.csv?container=CSQU3054383")
        #expect(csv.status == 200)
        let rows = csv.text.split(separator: "\r\n")
        #expect(rows.count == 2)
        #expect(rows.first?.hasPrefix("id,site,lane,") == true)
        #expect(rows.last?.hasPrefix(id) == true)
        let json = try await h.request("GET", "/api/v1/export/passages.json?channel=red")
        let array = try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [[String: Any]]
        #expect(array?.first?["id"] as? String == id)

        // The occupancy as N42; other events are not occupancies.
        let n42 = try await h.request("GET", "/api/v1/events/\(occupancyID)/n42")
        #expect(n42.status == 200)
        #expect(n42.text.contains("RadInstrumentData"))
        #expect(try await h.get("/api/v1/events/\(id)/n42").status == 404)

        // Declarations searched by risk, identifiers and number, page by page, and exported.
        for n in ["400000000003", "400000000004", "400000000005"] {
            #expect(try await h.post("/api/v1/declarations", DeclarationSamples.doc(n, containers: [], plate: "99X-999.99")).status == 201)
        }
        let red = try await h.get("/api/v1/declarations/search?channel=red&container=CSQU3054383&minScore=1").json
        #expect((red["declarations"] as? [[String: Any]])?.compactMap { ($0["declaration"] as? [String: Any])?["number"] as? String } == ["400000000002"])
        #expect((try await h.get("/api/v1/declarations/search?number=400000000004").json["declarations"] as? [Any])?.count == 1)
        #expect(try await h.get("/api/v1/declarations/search?channel=purple").status == 400)
        var numbers: [String] = []
        var cursor: String?
        repeat {
            let page = try await h.get("/api/v1/declarations/search?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")).json
            numbers += (page["declarations"] as? [[String: Any]] ?? []).compactMap { ($0["declaration"] as? [String: Any])?["number"] as? String }
            cursor = page["next"] as? String
        } while cursor != nil && numbers.count < 10
        #expect(numbers == ["400000000002", "400000000003", "400000000004", "400000000005"])
        let declarationsCSV = try await h.request("GET", "/api/v1/export/declarations.csv?channel=red")
        #expect(declarationsCSV.text.split(separator: "\r\n").count == 2)
        #expect(declarationsCSV.text.contains("\r\n400000000002,"))

        // The lane board shows the lane's latest passage.
        let lanes = try await h.get("/api/v1/lanes").json["lanes"] as? [[String: Any]] ?? []
        let latest = lanes.first { $0["lane"] as? String == "1" }?["latestPassage"] as? [String: Any]
        #expect(latest?["id"] as? String == id)
        #expect(latest?["containers"] as? [String] == ["CSQU3054383"])
        try await h.stop()
        pty.close()
    }

    @Test func csvFieldsAreQuotedWhenTheyNeedIt() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
    }

    /// Outside text (a trader's name, a note) that a spreadsheet would run as a formula is exported as text.
    @Test func csvCellsThatWouldRunAsFormulasAreNeutralised() {
        #expect(CSV.field("=HYPERLINK(\"http://x\",\"click\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"")
        #expect(CSV.field("+1+cmd|' /C calc'!A0") == "'+1+cmd|' /C calc'!A0")
        #expect(CSV.field("-2+3") == "'-2+3")
        #expect(CSV.field("@SUM(A1:A9)") == "'@SUM(A1:A9)")
        #expect(CSV.field("\tTAB") == "'\tTAB")
        // Numbers keep their sign, and text that merely contains the characters is left alone.
        #expect(CSV.field("-12.5") == "-12.5")
        #expect(CSV.field("+7") == "+7")
        #expect(CSV.field("CSQU3054383") == "CSQU3054383")
        #expect(CSV.field("a=b") == "a=b")
    }
}
