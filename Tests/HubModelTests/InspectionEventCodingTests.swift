import Foundation
import HubModel
import Testing

struct InspectionEventCodingTests {
    static let sample = InspectionEvent(
        id: "01KAWCWE00ABCDEFGHJKMNPQRS", kind: "radiation.occupancy",
        device: DeviceRef(id: "rpm-1", profile: "rapiscan-rpm", family: "radiation-portal"), site: "gate-3",
        lane: nil, observedAt: Date(timeIntervalSince1970: 1_464_818_624.163),
        receivedAt: Date(timeIntervalSince1970: 1_464_818_625), subject: Subject(containers: ["CSQU3054383"]),
        data: ["gammaAlarm": true, "maxGammaCps": 3885.5, "occupancyNumber": 109, "note": "x", "nan": .double(.nan)],
        severity: .alarm, raw: RawRef(sha256: String(repeating: "a", count: 64), format: "rapiscan-lines"))

    @Test func encodesTheContractShape() throws {
        let json = try Self.sample.jsonLine()
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(object["schema"] as? String == "niihub.event/1")
        #expect(object["observedAt"] as? String == "2016-06-01T22:03:44.163Z")
        #expect(object["lane"] == nil, "absent lane is omitted, not null")
        #expect((object["subject"] as? [String: Any])?["containers"] as? [String] == ["CSQU3054383"])
        let data = object["data"] as! [String: Any]
        #expect(data["occupancyNumber"] as? Int == 109)
        #expect(data["nan"] is NSNull, "non-finite numbers become null, keeping the document valid JSON")
        #expect(!json.contains("\n"))
    }

    @Test func decodesWhatItEncodes() throws {
        var expected = Self.sample
        expected.data["nan"] = JSONValue.null
        let back = try JSONDecoder().decode(InspectionEvent.self, from: Data(try Self.sample.jsonLine().utf8))
        #expect(back == expected)
    }
}
