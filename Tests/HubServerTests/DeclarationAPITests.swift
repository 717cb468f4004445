import Foundation
import HubAppTesting
import HubTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Declarations through the HTTP API: versions, cancellation, lookups by observed identifiers, bulk.
@Suite(.timeLimit(.minutes(3)))
struct DeclarationAPITests {
    func post(_ h: HubHarness, _ path: String, _ body: String) async throws -> (Int, [String: Any]) {
        try await h.post(path, body)
    }

    @Test func createAmendCancelAndFind() async throws {
        let h = try await HubHarness(label: "decl")
        let (created, first) = try await post(h, "/api/v1/declarations", DeclarationSamples.doc("100000000001", containers: ["CSQU3054383"]))
        #expect(created == 201)
        #expect(first["version"] as? Int == 1 && first["status"] as? String == "active")
        // The same document again: nothing new.
        let (same, again) = try await post(h, "/api/v1/declarations", DeclarationSamples.doc("100000000001", containers: ["CSQU3054383"]))
        #expect(same == 200 && again["version"] as? Int == 1)
        // An amendment: another container, a red channel.
        let (amended, v2) = try await post(
            h, "/api/v1/declarations", DeclarationSamples.doc("100000000001", containers: ["TCNU7200794"], channel: "red"))
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
            h, "/api/v1/declarations", DeclarationSamples.doc("100000000002", containers: ["CSQU3054384"], channel: "blue"))
        #expect(status == 400)
        let problems = body["problems"] as? [[String: String]] ?? []
        #expect(Set(problems.compactMap { $0["field"] }) == ["containers[0]", "channel"])
        #expect(try await h.get("/api/v1/declarations/100000000002").status == 404)
        try await h.stop()
    }

    @Test func bulkImportFromWCOStyleXML() async throws {
        let h = try await HubHarness(label: "decl-xml")
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Declarations xmlns="urn:wco:datamodel:WCO:DEC-DMS:2">
              <Declaration>
                <ID>700000000001</ID><TypeCode>IM</TypeCode><DeclarationOfficeID>03CE</DeclarationOfficeID>
                <IssueDateTime><DateTimeString>2026-11-24T09:30:00Z</DateTimeString></IssueDateTime>
                <UCR><ID>6VN0301234567-2026-000777</ID></UCR>
                <Importer><ID>0301234567</ID><Name>Saigon Freight</Name></Importer>
                <AuthorisationHolder><CategoryCode>AEOF</CategoryCode></AuthorisationHolder>
                <RiskChannel>Yellow</RiskChannel>
                <GoodsShipment>
                  <Consignment>
                    <TransportEquipment><ID>CSQU3054383</ID><Seal><ID>VN778899</ID></Seal></TransportEquipment>
                    <BorderTransportMeans><ID>51C-123.45</ID></BorderTransportMeans>
                  </Consignment>
                  <GovernmentAgencyGoodsItem>
                    <Commodity><Description>integrated circuits</Description><Classification><ID>854231</ID></Classification></Commodity>
                    <GoodsMeasure><TariffQuantity unitCode="PCE">1200</TariffQuantity></GoodsMeasure>
                  </GovernmentAgencyGoodsItem>
                </GoodsShipment>
              </Declaration>
              <Declaration>
                <ID>700000000002</ID><TypeCode>EX</TypeCode><DeclarationOfficeID>03CE</DeclarationOfficeID>
                <Exporter><ID>0301234567</ID></Exporter><RiskChannel>green</RiskChannel>
                <GoodsShipment><Consignment><TransportEquipment><ID>CSQU3054384</ID></TransportEquipment></Consignment></GoodsShipment>
              </Declaration>
            </Declarations>
            """
        let r = try await h.request("POST", "/api/v1/declarations/bulk", body: xml, contentType: "application/xml")
        #expect(r.status == 400, "the second declaration is refused")
        #expect(r.json["stored"] as? Int == 1)
        let rejected = (r.json["rejected"] as? [[String: Any]])?.first
        #expect(rejected?["line"] as? Int == 2)
        #expect(((rejected?["problems"] as? [[String: Any]])?.first?["field"] as? String) == "containers[0]")
        let d = try await h.get("/api/v1/declarations/700000000001").json
        #expect(d["channel"] as? String == "yellow" && d["type"] as? String == "import" && d["ucr"] as? String == "6VN0301234567-2026-000777")
        #expect(d["containers"] as? [String] == ["CSQU3054383"] && d["seals"] as? [String] == ["VN778899"])
        #expect(d["plates"] as? [String] == ["51C12345"])
        #expect((d["trader"] as? [String: Any])?["aeo"] as? Bool == true)
        #expect(((d["goods"] as? [[String: Any]])?.first?["quantity"] as? Double) == 1200)
        let broken = try await h.request("POST", "/api/v1/declarations/bulk", body: "<Declarations><Declaration>", contentType: "application/xml")
        #expect(broken.status == 400 && (broken.json["error"] as? String) != nil)
        try await h.stop()
    }

    @Test func bulkImportFromJSONLines() async throws {
        let h = try await HubHarness(label: "decl-bulk")
        let lines = [
            DeclarationSamples.doc("200000000001", containers: ["CSQU3054383"]), DeclarationSamples.doc("200000000002", containers: ["TCNU7200794"]),
            "{\"number\": \"x\"}", DeclarationSamples.doc("200000000001", containers: ["CSQU3054383"]),
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

/// Device events and declarations meet through the identifiers both name, whichever comes first.
@Suite(.timeLimit(.minutes(3)))
struct LinkAPITests {
    @Test func aScanLinksToTheDeclarationThatArrivesAfterItAndAnAmendmentRelinks() async throws {
        let h = try await HubHarness(label: "links")
        let scan = try await ScanAPITests.post(h, ScanSamples.suspect)
        let eventID = try #require(scan.json["id"] as? String)
        #expect((try await h.get("/api/v1/events/\(eventID)/links").json["links"] as? [Any])?.isEmpty == true)
        // The declaration comes later and names the scanned container.
        _ = try await DeclarationAPITests().post(
            h, "/api/v1/declarations", DeclarationSamples.doc("300000000001", containers: ["CSQU3054383"]))
        // Linked twice: by the container (certain) and by the truck's plate (weaker).
        let links = try await h.get("/api/v1/events/\(eventID)/links").json["links"] as? [[String: Any]] ?? []
        #expect(links.allSatisfy { $0["declaration"] as? String == "300000000001" })
        let byKind = Dictionary(uniqueKeysWithValues: links.map { ($0["kind"] as? String ?? "", $0) })
        #expect(Set(byKind.keys) == ["container", "plate"])
        #expect(byKind["container"]?["confidence"] as? Double == 1)
        #expect(byKind["plate"]?["confidence"] as? Double == 0.6)
        #expect((byKind["container"]?["evidence"] as? String)?.contains("scan.result: container CSQU3054383") == true)
        // Amended to another container: the container link goes, the plate still ties them.
        _ = try await DeclarationAPITests().post(
            h, "/api/v1/declarations", DeclarationSamples.doc("300000000001", containers: ["TCNU7200794"]))
        // (The hub may meanwhile have closed the scan's lane passage, which links by the same plate.)
        let after = (try await h.get("/api/v1/declarations/300000000001/links").json["links"] as? [[String: Any]] ?? [])
            .filter { $0["eventID"] as? String == eventID }
        #expect(after.map { $0["kind"] as? String } == ["plate"])
        #expect(after.first?["version"] as? Int == 2)
        try await h.stop()
    }
}
