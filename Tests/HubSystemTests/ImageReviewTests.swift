import Foundation
import HubAppTesting
import HubModel
import HubTesting
import Testing

/// Central image review on a whole hub: claims, four eyes, the verdict as chained evidence that
/// turns the declaration red and reaches the feed, random re-checks, the lane's time limit.
@Suite(.timeLimit(.minutes(2)))
struct ImageReviewTests {
    static let declaration = """
        {"number": "700000000011", "type": "import", "office": "03CE", "site": "e2e-gate",
         "trader": {"tin": "0309876543", "name": "Hai Dang Fertiliser JSC", "aeo": true},
         "containers": ["MSKU9070323"], "channel": "green",
         "goods": [{"hsCode": "31042000", "description": "Potassium chloride", "quantity": 26000, "unit": "KGM"}]}
        """

    static func scan(_ id: String, lane: String = "1", container: String = "MSKU9070323") -> String {
        """
        {"schema": "niihub.scan-result/1", "scanId": "\(id)", "scanner": {"id": "xr-lane\(lane)"}, "site": "e2e-gate", "lane": "\(lane)",
         "startedAt": "\(Timestamp.format(Date()))", "containers": ["\(container)"],
         "images": [{"name": "top.pgm", "sha256": "\(String(repeating: "c", count: 64))", "format": "other", "view": "top"}],
         "atd": {"result": "clear"}}
        """
    }

    static func analysts(_ h: HubHarness) async throws -> (lan: String, minh: String) {
        for u in ["lan", "minh"] {
            #expect(try await h.post("/api/v1/users", #"{"user": "\#(u)", "role": "analyst", "password": "image-desk-2026"}"#).status == 201)
        }
        return (try await login(h, "lan"), try await login(h, "minh"))
    }

    static func login(_ h: HubHarness, _ user: String) async throws -> String {
        let r = try await h.request("POST", "/api/v1/login", body: #"{"user": "\#(user)", "password": "image-desk-2026"}"#, token: nil)
        return try #require(r.json["token"] as? String)
    }

    @Test func fourEyesTurnAGreenDeclarationRedAndTheVerdictIsChainedEvidenceInTheFeed() async throws {
        let h = try await HubHarness(label: "review-four-eyes", siteExtra: "review: {recheckShare: 0}")
        let (lan, minh) = try await Self.analysts(h)
        #expect(try await h.post("/api/v1/declarations", Self.declaration).status == 201)
        let scan = try #require(try await h.post("/api/v1/scans", Self.scan("XR-11")).json["id"] as? String)
        let base = "/api/v1/reviews/\(scan)"

        // In the waiting queue, linked to the declaration; a verdict needs a claim first.
        let waiting = try await h.get("/api/v1/reviews?queue=waiting", token: lan).json["reviews"] as? [[String: Any]] ?? []
        #expect(waiting.map { ($0["scan"] as? [String: Any])?["id"] as? String } == [scan])
        #expect(await eventually { (try? await h.get(base, token: lan).json["declaration"] as? String) == "700000000011" })
        #expect(try await h.post(base + "/verdict", #"{"verdict": "clear"}"#, token: lan).status == 409)
        #expect(try await h.post(base + "/claim", "{}", token: lan).status == 200)
        let held = try await h.post(base + "/claim", "{}", token: minh)
        #expect(held.status == 409 && (held.json["error"] as? String)?.hasPrefix("lan is reviewing this scan") == true)

        // Suspect needs a region and a reason.
        let noRegion = try await h.post(base + "/verdict", #"{"verdict": "suspect", "reason": "density"}"#, token: lan)
        #expect(noRegion.status == 400 && noRegion.json["field"] as? String == "regions")
        let region = #"{"image": "top.pgm", "x": 800, "y": 200, "width": 300, "height": 150, "label": "dense organic mass"}"#
        let noReason = try await h.post(base + "/verdict", #"{"verdict": "suspect", "regions": [\#(region)]}"#, token: lan)
        #expect(noReason.status == 400 && noReason.json["field"] as? String == "reason")
        let first = try await h.post(base + "/verdict", #"{"verdict": "suspect", "reason": "density", "regions": [\#(region)]}"#, token: lan)
        #expect(first.status == 201)
        let firstData = first.json["data"] as? [String: Any] ?? [:]
        #expect(firstData["final"] as? Bool == false && firstData["step"] as? String == "first" && first.json["severity"] as? String == "info")
        #expect(try await h.get(base, token: lan).json["state"] as? String == "second")

        // Four eyes: the first analyst cannot confirm; the second can, on the regions the first marked.
        #expect(try await h.post(base + "/claim", "{}", token: lan).status == 200)
        let own = try await h.post(base + "/verdict", #"{"verdict": "suspect", "reason": "sure"}"#, token: lan)
        #expect(own.status == 409 && (own.json["error"] as? String)?.hasPrefix("four eyes") == true)
        #expect(try await h.post(base + "/release", "{}", token: lan).status == 200)
        #expect(try await h.post(base + "/claim", "{}", token: minh).status == 200)
        let second = try await h.post(base + "/verdict", #"{"verdict": "suspect", "reason": "confirmed"}"#, token: minh)
        #expect(second.status == 201 && second.json["severity"] as? String == "alarm")
        let secondData = second.json["data"] as? [String: Any] ?? [:]
        #expect(secondData["final"] as? Bool == true && secondData["confirms"] as? String == first.json["id"] as? String)
        #expect(try await h.get(base, token: minh).json["state"] as? String == "done")
        #expect(try await h.post(base + "/claim", "{}", token: minh).status == 409, "a decided scan is not claimed again")

        // The declaration (an AEO trader's) turns red, the signal naming both analysts and the region.
        var detail = ""
        #expect(await eventually(timeout: .seconds(30)) {
            let risk = try? await h.get("/api/v1/declarations/700000000011/detail").json["risk"] as? [String: Any]
            let data = (risk?["event"] as? [String: Any])?["data"] as? [String: Any]
            guard data?["channel"] as? String == "red",
                let s = (data?["signals"] as? [[String: Any]])?.first(where: { $0["signal"] as? String == "imageSuspect" })
            else { return false }
            detail = s["detail"] as? String ?? ""
            return true
        })
        #expect(detail.hasPrefix("scan XR-11 judged suspect by lan, confirmed by minh: “dense organic mass” on top.pgm"), "\(detail)")
        // The risk system's feed carries the red assessment with the signal and its evidence, the second verdict.
        let feed = try await h.get("/api/v1/feed?limit=1000").json["items"] as? [[String: Any]] ?? []
        let red = feed.compactMap { ($0["event"] as? [String: Any])?["data"] as? [String: Any] }.last { $0["channel"] as? String == "red" }
        let fed = (red?["signals"] as? [[String: Any]])?.first { $0["signal"] as? String == "imageSuspect" }
        #expect(fed?["evidence"] as? [String] == [second.json["id"] as? String ?? "-"])
        // Both verdicts are linked to the declaration, and the second is in the hash chain.
        let links = try await h.get("/api/v1/declarations/700000000011/links").json["links"] as? [[String: Any]] ?? []
        #expect(Set(links.compactMap { $0["eventID"] as? String }).isSuperset(of: [first.json["id"] as? String ?? "-", second.json["id"] as? String ?? "-"]))
        let sha = try #require((second.json["raw"] as? [String: Any])?["sha256"] as? String)
        let proof = try await h.get("/api/v1/raw/\(sha)/chain")
        #expect(proof.status == 200 && proof.json["seq"] as? Int ?? 0 > 0)
        // Figures: one final suspect, by minh, on lane 1.
        let figures = try await h.get("/api/v1/reviews?queue=done", token: lan).json["figures"] as? [String: Any] ?? [:]
        #expect((figures["mix"] as? [String: Int]) == ["suspect": 1])
        #expect((figures["byAnalyst"] as? [[String: Any]])?.map { $0["analyst"] as? String } == ["minh"])
        try await h.stop()
    }

    /// Earlier scans beside the one under review: the same container's, and those of another
    /// declaration with goods of the same HS heading (3104), newest first, with their final verdicts.
    @Test func earlierScansOfTheSameContainerAndTheSameGoodsAreListed() async throws {
        let h = try await HubHarness(label: "review-previous", siteExtra: "review: {recheckShare: 0}")
        let (lan, _) = try await Self.analysts(h)
        #expect(try await h.post("/api/v1/declarations", Self.declaration).status == 201)
        let other = Self.declaration.replacingOccurrences(of: "700000000011", with: "700000000012")
            .replacingOccurrences(of: "MSKU9070323", with: "TCNU7200794").replacingOccurrences(of: "31042000", with: "31049000")
        #expect(try await h.post("/api/v1/declarations", other).status == 201)
        let older = try #require(try await h.post("/api/v1/scans", Self.scan("XR-31")).json["id"] as? String)
        let sameGoods = try #require(try await h.post("/api/v1/scans", Self.scan("XR-32", container: "TCNU7200794")).json["id"] as? String)
        _ = try await h.post("/api/v1/scans", Self.scan("XR-33", container: "MSCU1234566"))
        #expect(try await h.post("/api/v1/reviews/\(older)/claim", "{}", token: lan).status == 200)
        #expect(try await h.post("/api/v1/reviews/\(older)/verdict", #"{"verdict": "clear"}"#, token: lan).status == 201)
        let current = try #require(try await h.post("/api/v1/scans", Self.scan("XR-34")).json["id"] as? String)
        var answer: [String: Any] = [:]
        #expect(await eventually {
            answer = (try? await h.get("/api/v1/reviews/\(current)/previous", token: lan).json) ?? [:]
            return (answer["sameGoods"] as? [[String: Any]])?.isEmpty == false
        })
        #expect(answer["headings"] as? [String] == ["3104"] && answer["containers"] as? [String] == ["MSKU9070323"])
        let container = answer["sameContainer"] as? [[String: Any]] ?? []
        #expect(container.map { $0["id"] as? String } == [older] && container.first?["verdict"] as? String == "clear")
        #expect((container.first?["image"] as? [String: Any])?["name"] as? String == "top.pgm")
        #expect((answer["sameGoods"] as? [[String: Any]])?.map { $0["id"] as? String } == [sameGoods])
        try await h.stop()
    }

    @Test func aClearPickedForRecheckWaitsForASecondAnalyst() async throws {
        let h = try await HubHarness(label: "review-recheck", siteExtra: "review: {recheckShare: 1}")
        let (lan, minh) = try await Self.analysts(h)
        let scan = try #require(try await h.post("/api/v1/scans", Self.scan("XR-12")).json["id"] as? String)
        #expect(try await h.post("/api/v1/reviews/\(scan)/claim", "{}", token: lan).status == 200)
        let first = try await h.post("/api/v1/reviews/\(scan)/verdict", #"{"verdict": "clear"}"#, token: lan)
        let data = first.json["data"] as? [String: Any] ?? [:]
        #expect(data["recheck"] as? Bool == true && data["final"] as? Bool == false)
        let second = try await h.get("/api/v1/reviews?queue=second", token: minh).json["reviews"] as? [[String: Any]] ?? []
        #expect(second.count == 1)
        #expect(try await h.post("/api/v1/reviews/\(scan)/claim", "{}", token: minh).status == 200)
        let done = try await h.post("/api/v1/reviews/\(scan)/verdict", #"{"verdict": "clear"}"#, token: minh)
        #expect((done.json["data"] as? [String: Any])?["final"] as? Bool == true)
        try await h.stop()
    }

    @Test func aScanPastItsLanesLimitIsOverdueOnTheOperatorsConsole() async throws {
        // Lane 2 allows 0.01 minute (0.6 s); lane 1 the default 5 minutes.
        let h = try await HubHarness(label: "review-overdue", siteExtra: #"review: {lanes: [{lane: "2", limitMinutes: 0.01}]}"#)
        let op = try await h.token("operator")
        _ = try await h.post("/api/v1/scans", Self.scan("XR-21", lane: "2"))
        _ = try await h.post("/api/v1/scans", Self.scan("XR-22", lane: "1"))
        var lanes: [[String: Any]] = []
        #expect(await eventually(timeout: .seconds(20)) {
            lanes = (try? await h.get("/api/v1/lanes/overdue-reviews", token: op).json["lanes"] as? [[String: Any]]) ?? []
            return !lanes.isEmpty
        })
        #expect(lanes.map { $0["lane"] as? String } == ["2"] && lanes.first?["overdue"] as? Int == 1)
        let overdue = try await h.get("/api/v1/reviews?queue=overdue").json["reviews"] as? [[String: Any]] ?? []
        #expect(overdue.map { ($0["scan"] as? [String: Any])?["scanId"] as? String } == ["XR-21"])
        #expect(try await h.get("/api/v1/reviews?queue=later").json["field"] as? String == "queue")
        try await h.stop()
    }
}
