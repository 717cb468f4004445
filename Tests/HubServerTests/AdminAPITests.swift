import Foundation
import HubApp
import HubAppTesting
import HubModel
import HubServer
import HubStore
import HubTesting
import Testing

/// What the admin view reads: the device profiles the hub loaded with the devices that use them,
/// the users and their roles, and the audit log filtered by action, actor and time, page by page.
@Suite(.timeLimit(.minutes(2)))
struct AdminAPITests {
    @Test func profilesAreListedFromTheRepositorysFilesWithTheDevicesThatUseThem() async throws {
        let h = try await HubHarness(
            label: "profiles",
            devices: HubHarness.serialRPM + "\n  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\"}"
                + "\n  - {id: xr1, profile: container-scanner, lane: \"1\", folder: scans}")
        let body = try await h.get("/api/v1/profiles")
        #expect(body.status == 200)
        let profiles = try #require(body.json["profiles"] as? [[String: Any]])
        let byModel = Dictionary(uniqueKeysWithValues: profiles.map { ($0["model"] as? String ?? "", $0) })
        // Every file of DeviceProfiles/ is there, and nothing else.
        let shipped = try FileManager.default.contentsOfDirectory(atPath: Corpus.packageRoot.appendingPathComponent("DeviceProfiles").path)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        #expect(Set(byModel.keys) == Set(shipped))

        // DeviceProfiles/rapiscan-rpm.yaml as written there.
        let rpm = try #require(byModel["rapiscan-rpm"])
        #expect(rpm["vendor"] as? String == "Rapiscan Systems")
        #expect(rpm["name"] as? String == "Radiation portal monitor, Rapiscan-style serial line protocol")
        #expect(rpm["family"] as? String == "radiation-portal")
        #expect(rpm["protocol"] as? String == "rpm")
        #expect(rpm["transport"] as? String == "serial")
        let serial = try #require(rpm["serial"] as? [String: Any])
        #expect(serial["baud"] as? Int == 9600 && serial["dataBits"] as? Int == 8 && serial["parity"] as? String == "none")
        #expect((rpm["usb"] as? [[String: Any]])?.first?["productId"] as? String == "6014")
        #expect(rpm["heartbeatIntervalS"] as? Double == 5 && rpm["maxFrameBytes"] as? Int == 256)
        #expect((rpm["thresholds"] as? [String: Any])?["gammaBackgroundHighCps"] as? Double == 20000)
        #expect((rpm["file"] as? String)?.hasSuffix("/profiles/rapiscan-rpm.yaml") == true)
        #expect(rpm["network"] == nil && rpm["files"] == nil, "a serial profile has no network or folder settings")
        // The portal of the site file uses it, on its port.
        let rpmDevices = try #require(rpm["devices"] as? [[String: Any]])
        #expect(rpmDevices.map { $0["id"] as? String } == ["rpm-lane1"])
        let port = try #require(rpmDevices.first?["endpoint"] as? [String: Any])
        #expect(port["kind"] as? String == "port" && port["address"] as? String == h.devicePath)

        // A listener's profile: network settings, and the address the site file gave.
        let gt06 = try #require(byModel["gt06-eseal"])
        #expect(gt06["vendor"] as? String == "Concox" && gt06["transport"] as? String == "tcp" && gt06["serial"] == nil)
        #expect((gt06["network"] as? [String: Any])?["idleTimeoutS"] as? Double == 300)
        let seals = try #require((gt06["devices"] as? [[String: Any]])?.first?["endpoint"] as? [String: Any])
        #expect(seals["kind"] as? String == "listen" && seals["address"] as? String == "127.0.0.1:0")
        // A folder's profile: how a file is known to be complete, and which names it takes.
        let scanner = try #require(byModel["container-scanner"])
        #expect((scanner["files"] as? [String: Any])?["completion"] as? String == "rename")
        #expect((scanner["files"] as? [String: Any])?["extensions"] as? [String] == ["json"])
        let folder = try #require((scanner["devices"] as? [[String: Any]])?.first?["endpoint"] as? [String: Any])
        #expect(folder["kind"] as? String == "folder" && (folder["address"] as? String)?.hasSuffix("/scans") == true)
        // A profile no device uses is listed with none.
        #expect((byModel["teltonika-fmb"]?["devices"] as? [Any])?.isEmpty == true)
        #expect((body.json["siteFile"] as? String)?.hasSuffix("/site.yaml") == true)
        try await h.stop()
    }

    @Test func usersAreListedWithTheirRolesAndNeverTheirPasswords() async throws {
        let h = try await HubHarness(label: "users")
        #expect(try await h.post("/api/v1/users", #"{"user": "thu", "role": "analyst", "password": "phan-tich-rui-ro"}"#).status == 201)
        #expect(try await h.post("/api/v1/users", #"{"user": "lan", "role": "operator", "password": "gate-one-shift"}"#).status == 201)
        let r = try await h.request("GET", "/api/v1/users")
        #expect(r.status == 200)
        let users = try #require(r.json["users"] as? [[String: Any]])
        #expect(users.map { "\($0["user"] as? String ?? "") \($0["role"] as? String ?? "")" } == ["admin admin", "lan operator", "thu analyst"])
        #expect(users.allSatisfy { Timestamp.parse($0["createdAt"] as? String ?? "") != nil })
        #expect(!r.text.contains("phan-tich-rui-ro") && !r.text.contains("salt") && !r.text.contains("Hash"))
        try await h.stop()
    }

    @Test func theAuditLogIsFilteredByActionActorAndTimeAndPaged() async throws {
        let h = try await HubHarness(label: "audit-filter")
        let store = h.hub.auth.store
        // Entries at known times (the store's own), beside those the hub wrote when it started.
        let hour = { (h: Int) in Timestamp.parse("2026-12-05T0\(h):00:00Z")! }
        for (i, who) in ["lan", "thu", "lan", "lan"].enumerated() {
            try await store.audit(
                AuditEntry(at: hour(3 + i), actor: who, role: "operator", action: "alarm.acknowledge", target: "E\(i)", detail: "acknowledged"))
        }
        try await store.audit(AuditEntry(at: hour(4), actor: "lan", role: "operator", action: "logout", target: nil, detail: nil))
        func targets(_ query: String) async throws -> (targets: [String], next: String?) {
            let r = try await h.get("/api/v1/audit?" + query)
            #expect(r.status == 200, "\(query)")
            return ((r.json["entries"] as? [[String: Any]] ?? []).map { $0["target"] as? String ?? "-" }, r.json["next"] as? String)
        }
        // since is inclusive, until exclusive: 04:00 up to 06:00 holds 04:00 and 05:00.
        #expect(try await targets("action=alarm.acknowledge&since=2026-12-05T04:00:00Z&until=2026-12-05T06:00:00Z").targets == ["E2", "E1"])
        #expect(try await targets("action=alarm.acknowledge&actor=lan&since=2026-12-05T04:00:00Z").targets == ["E3", "E2"])
        // A zone offset is a time like any other: 11:00 in Ho Chi Minh City is 04:00 UTC.
        #expect(try await targets("action=alarm.acknowledge&until=2026-12-05T11:00:00%2B07:00").targets == ["E0"])
        // Page by page, newest first: `next` is the cursor of the older page, absent on the last.
        let first = try await targets("action=alarm.acknowledge&actor=lan&limit=2")
        #expect(first.targets == ["E3", "E2"])
        let cursor = try #require(first.next)
        let second = try await targets("action=alarm.acknowledge&actor=lan&limit=2&cursor=\(cursor)")
        #expect(second.targets == ["E0"] && second.next == nil)
        // Bad input: a clear answer naming the field.
        for (query, field) in [("since=yesterday", "since"), ("until=2026-13-01T00:00:00Z", "until"), ("cursor=abc", "cursor"),
                               ("since=2026-12-05T06:00:00Z&until=2026-12-05T05:00:00Z", "until"), ("limit=0", "limit")] {
            let r = try await h.get("/api/v1/audit?" + query)
            #expect(r.status == 400 && r.json["field"] as? String == field, "\(query): \(r.json)")
        }
        try await h.stop()
    }
}
