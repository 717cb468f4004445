import Foundation
import HubAppTesting
import HubPackage
import HubTesting
import Testing

/// `POST /api/v1/packages` on a served hub: a second hub (another site, another CA and key) exports
/// a package from its own SQLite store; this hub verifies it against the partner's CA, files it,
/// links it to its own declaration by UCR and container, shows it on the declaration, and its risk
/// assessment names the partner. A package from an untrusted CA, or with one changed byte, is
/// refused with the broken file named.
@Suite(.timeLimit(.minutes(3)))
struct PartnerReceiveTests {
    static let local = """
        {"number": "500000000010", "ucr": "\(PartnerHub.ucr)", "type": "import", "office": "02CI",
         "trader": {"tin": "0301234567", "aeo": true}, "containers": ["\(PartnerHub.container)"], "channel": "yellow"}
        """

    static func post(_ h: HubHarness, _ bytes: [UInt8], token: String) async throws -> (status: Int, json: [String: Any]) {
        let r = try await h.request("POST", "/api/v1/packages", data: Data(bytes), token: token, contentType: "application/x-tar")
        return (r.status, r.json)
    }

    /// This hub, trusting `partners` (name → CA file), with a policy that lets a partner's clearance
    /// lower yellow for an AEO trader.
    static func hub(_ label: String, partners: [(String, String)], extra: String = "") async throws -> HubHarness {
        let files = try TemporaryDirectory("\(label)-policy")
        let policy = try files.write("risk-policy.yaml", "partnerClearanceLowersYellow: true\n")
        let list = partners.map { "  - {name: \($0.0), country: KH, administration: Cambodia Customs, ca: \($0.1)}" }.joined(separator: "\n")
        return try await HubHarness(
            label: label, devices: "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}",
            siteExtra: "risk:\n  policy: \(policy)\npartners:\n\(list)" + extra, site: "moc-bai")
    }

    @Test func aPartnersPackageIsVerifiedFiledLinkedShownAndExplainedInTheRisk() async throws {
        let partner = try await PartnerHub()
        let package = try await partner.export(signer: try partner.signer())
        let keys = try TemporaryDirectory("partner-anchors")
        let h = try await Self.hub("partner-receive", partners: [("kh-customs", try partner.caFile(in: keys, "kh.pem"))])
        #expect(try await h.post("/api/v1/declarations", Self.local).status == 201)
        // Before the package: declared yellow, and yellow it stays.
        #expect(await eventually {
            ((try? await h.get("/api/v1/declarations/500000000010/detail").json["risk"]) as? [String: Any]).flatMap { $0["event"] as? [String: Any] }
                .flatMap { $0["data"] as? [String: Any] }?["channel"] as? String == "yellow"
        })

        let analyst = try await h.token("analyst")
        let r = try await Self.post(h, package, token: analyst)
        #expect(r.status == 201, "\(r.json)")
        #expect(r.json["partner"] as? String == "kh-customs" && r.json["declaration"] as? String == PartnerHub.number)
        #expect(r.json["cleared"] as? Bool == true && r.json["duplicate"] as? Bool == false)
        #expect((r.json["summary"] as? String)?.contains("verified to kh-customs's certificate authority") == true, "\(r.json)")
        let eventID = try #require(r.json["event"] as? String)

        // The same bytes again: the same event, nothing new stored.
        let again = try await Self.post(h, package, token: analyst)
        #expect(again.status == 200 && again.json["duplicate"] as? Bool == true && again.json["event"] as? String == eventID)
        #expect(try await h.events("kind=package.received").count == 1)
        // Kept as received, under its SHA-256.
        let sha = try #require(r.json["sha256"] as? String)
        #expect(try await h.bytes("/api/v1/blobs/\(sha)").body == package)

        // On the declaration, linked by UCR and container; and the risk names the partner and goes green.
        let detail = try await h.get("/api/v1/declarations/500000000010/detail").json
        let linked = try #require(detail["events"] as? [[String: Any]]).compactMap { $0["event"] as? [String: Any] }
        let received = try #require(linked.first { $0["id"] as? String == eventID })
        #expect((received["data"] as? [String: Any])?["partner"] as? String == "kh-customs")
        #expect(Set(((received["subject"] as? [String: Any])?["containers"] as? [String]) ?? []) == [PartnerHub.container])
        var signal: [String: Any]?
        #expect(await eventually {
            let risk = ((try? await h.get("/api/v1/declarations/500000000010/detail").json["risk"]) as? [String: Any])?["event"] as? [String: Any]
            let data = risk?["data"] as? [String: Any]
            signal = (data?["signals"] as? [[String: Any]])?.first { $0["signal"] as? String == "partnerCleared" }
            return signal != nil && data?["channel"] as? String == "green"
        })
        let detailText = signal?["detail"] as? String ?? ""
        #expect(detailText.contains("inspected and cleared by kh-customs (KH) on"), "\(detailText)")
        #expect(detailText.contains("lowers the declared yellow channel to green"), "\(detailText)")
        #expect((signal?["evidence"] as? [String]) == [eventID])

        // Every receipt audited; an operator may not hand one in.
        let audit = try #require(try await h.get("/api/v1/audit?action=package.receive").json["entries"] as? [[String: Any]])
        #expect(audit.count == 2)
        #expect((audit.first?["detail"] as? String)?.contains("from kh-customs") == true)
        #expect(try await Self.post(h, package, token: try await h.token("operator")).status == 403)
        try await h.stop()
    }

    @Test func anUntrustedCAIsRefusedAndAChangedByteNamesItsMember() async throws {
        let partner = try await PartnerHub()
        let stranger = try await PartnerHub(site: "elsewhere", caName: "Unknown Root CA")
        let keys = try TemporaryDirectory("partner-anchors-2")
        let h = try await Self.hub("partner-refuse", partners: [("kh-customs", try partner.caFile(in: keys, "kh.pem"))])
        let analyst = try await h.token("analyst")

        let untrusted = try await Self.post(h, try await stranger.export(signer: try stranger.signer()), token: analyst)
        #expect(untrusted.status == 422)
        #expect(untrusted.json["member"] as? String == "certificates.pem")
        #expect((untrusted.json["error"] as? String)?.contains("does not chain to the certificate authority of any partner this hub trusts (kh-customs)") == true,
            "\(untrusted.json)")

        var tampered = try await partner.export(signer: try partner.signer())
        let tar = try TarReader(tampered)
        let member = try #require(tar.members.first { $0.name.hasPrefix("events/") }?.name)
        let at = try #require(tar.content(member)).startIndex + 10
        tampered[at] ^= 0x01
        let broken = try await Self.post(h, tampered, token: analyst)
        #expect(broken.status == 422)
        let problems = try #require(broken.json["problems"] as? [[String: Any]])
        #expect(problems.contains { $0["member"] as? String == member && ($0["problem"] as? String)?.contains("the member was changed") == true }, "\(problems)")
        #expect(try await h.events("kind=package.received").isEmpty)
        // Both refusals audited: who handed in which bytes, and the first broken member.
        let refusals = try #require(try await h.get("/api/v1/audit?action=package.receive").json["entries"] as? [[String: Any]])
        let details = refusals.compactMap { $0["detail"] as? String }
        #expect(details.count == 2 && details.allSatisfy { $0.hasPrefix("refused, sha256 ") }, "\(details)")
        #expect(details.contains { $0.contains(": certificates.pem: ") } && details.contains { $0.contains(": \(member): ") }, "\(details)")
        try await h.stop()
    }

    @Test func packagesDroppedIntoTheInboxAreReceivedOrQuarantinedWithTheirReason() async throws {
        let partner = try await PartnerHub()
        let keys = try TemporaryDirectory("partner-anchors-3")
        let h = try await Self.hub("partner-inbox", partners: [("kh-customs", try partner.caFile(in: keys, "kh.pem"))], extra: "\npartnerInbox: inbox")
        #expect(try await h.post("/api/v1/declarations", Self.local).status == 201)
        let good = try await partner.export(signer: try partner.signer())
        var bad = good
        let tar = try TarReader(bad)
        let member = try #require(tar.members.first { $0.name.hasPrefix("events/") }?.name)
        bad[try #require(tar.content(member)).startIndex + 3] ^= 0x20
        #expect(await eventually { FileManager.default.fileExists(atPath: h.dir.path("inbox/processed")) })
        // Written under a name the inbox skips, then renamed into place.
        for (name, bytes) in [("kh-good.niipkg", good), ("kh-bad.niipkg", bad)] {
            try Data(bytes).write(to: URL(fileURLWithPath: h.dir.path("inbox/\(name).part")))
            try FileManager.default.moveItem(atPath: h.dir.path("inbox/\(name).part"), toPath: h.dir.path("inbox/\(name)"))
        }
        #expect(await eventually {
            FileManager.default.fileExists(atPath: h.dir.path("inbox/processed/kh-good.niipkg"))
                && FileManager.default.fileExists(atPath: h.dir.path("inbox/quarantine/kh-bad.niipkg.reason"))
        })
        let reason = try String(contentsOfFile: h.dir.path("inbox/quarantine/kh-bad.niipkg.reason"), encoding: .utf8)
        #expect(reason.contains("\(member): its bytes no longer match the manifest"), "\(reason)")
        let received = try await h.events("kind=package.received")
        #expect(received.count == 1 && (received.first?["data"] as? [String: Any])?["partner"] as? String == "kh-customs")
        let audit = try #require(try await h.get("/api/v1/audit?action=package.receive").json["entries"] as? [[String: Any]])
        #expect(audit.count == 2 && audit.allSatisfy { $0["actor"] as? String == "inbox" }, "\(audit)")
        let details = audit.compactMap { $0["detail"] as? String }
        #expect(details.contains { $0.contains("file kh-good.niipkg") && $0.contains("from kh-customs") }, "\(details)")
        #expect(details.contains { $0.hasPrefix("refused, sha256 ") && $0.contains("file kh-bad.niipkg: \(member): ") }, "\(details)")
        try await h.stop()
    }
}
