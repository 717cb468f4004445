import Foundation
import HubModel
import Testing

struct DeclarationDocumentTests {
    static let transit = """
        {"number": "300012345678", "ucr": "6VN0301234567-2026-000123", "type": "transit", "office": "03CE",
         "trader": {"tin": "0301234567", "name": "Saigon Freight", "aeo": true, "complianceLevel": "high"},
         "containers": ["csqu 305438 3", "TCNU7200794"], "seals": ["vn123456"], "plates": ["51C-123.45"],
         "goods": [{"hsCode": "854231", "description": "integrated circuits", "quantity": 1200, "unit": "PCE"}],
         "channel": "yellow",
         "transit": {"origin": "03CE", "destination": "45BC", "corridor": [[10.95, 106.82], [11.31, 106.10]],
                     "bufferM": 500, "start": "2026-11-25T01:00:00Z", "end": "2026-11-25T09:00:00+07:00"}}
        """

    @Test func aGoodTransitDeclarationIsReadAndNormalized() throws {
        let d = try DeclarationDocument.parse(Data(Self.transit.utf8)).get()
        #expect(d.number == "300012345678")
        #expect(d.type == .transit && d.channel == .yellow)
        #expect(d.containers == ["CSQU3054383", "TCNU7200794"])
        #expect(d.seals == ["VN123456"])
        #expect(d.plates == ["51C12345"])
        #expect(d.trader.aeo && d.trader.complianceLevel == "high")
        #expect(d.goods.first?.quantity == 1200)
        #expect(d.transit?.corridor?.count == 2)
        #expect(d.transit?.end == Timestamp.parse("2026-11-25T02:00:00Z"))
        #expect(d.keys.map(\.kind) == ["container", "container", "seal", "plate", "ucr"])
    }

    @Test func everyProblemIsNamedByItsField() throws {
        let bad = """
            {"number": "1", "type": "smuggling", "office": "03CE",
             "trader": {"tin": "x", "aeo": "yes"},
             "containers": ["CSQU3054383", "CSQU3054384", 7], "plates": ["-"],
             "goods": [{"hsCode": "85", "quantity": -1}], "channel": "purple",
             "transit": {"origin": "03CE", "destination": "45BC", "start": "2026-11-25T09:00:00Z", "end": "2026-11-25T08:00:00Z"},
             "colour": "red"}
            """
        guard case .failure(let invalid) = DeclarationDocument.parse(Data(bad.utf8)) else {
            Issue.record("a bad declaration was accepted")
            return
        }
        let fields = Set(invalid.problems.map(\.field))
        #expect(fields == [
            "number", "type", "trader.tin", "trader.aeo", "containers[1]", "containers[2]", "plates[0]",
            "goods[0].hsCode", "goods[0].quantity", "channel", "transit.corridor", "transit.end", "colour",
        ])
        #expect(invalid.problems.first { $0.field == "containers[1]" }?.reason.contains("check digit") == true)
        #expect(invalid.problems.first { $0.field == "channel" }?.reason == "expected one of: green, yellow, red")
    }

    @Test(arguments: ["", "[]", "{", "null", "{\"number\": 5}"])
    func notADeclarationAtAll(_ text: String) {
        guard case .failure(let invalid) = DeclarationDocument.parse(Data(text.utf8)) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(!invalid.problems.isEmpty)
    }

    @Test func channelsOrderGreenYellowRed() {
        #expect(Declaration.Channel.green < .yellow && Declaration.Channel.yellow < .red)
        #expect(Declaration.normalizePlate("51c-123.45") == "51C12345")
    }
}
