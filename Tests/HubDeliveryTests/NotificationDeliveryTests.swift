import Crypto
import Foundation
import HubApp
import HubAppTesting
import HubDelivery
import HubModel
import HubStore
import HubSite
import HubServer
import HubTesting
import Testing

/// Notifications through a running hub to real receivers on loopback: aiosmtpd speaking STARTTLS
/// (a certificate the test's CA signed, a login required) and a webhook receiver that checks the
/// HMAC. Alarms are stored in the hub's store; what the receivers got and what the outbox says
/// (`/api/v1/notifications`) are the evidence.
@Suite(.timeLimit(.minutes(4)))
struct NotificationDeliveryTests {
    static let hookSecret = "hook-secret-for-tests"

    /// The site's `console:` and `notifications:` for a relay on `smtpPort` and a webhook on `hookPort`.
    static func siteExtra(pki: TestPKI, smtpPort: Int, hookPort: Int) -> String {
        // A day that is not today (nor, for a window within one day, yesterday's spill-over): the quiet rule never sends.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let tomorrow = calendar.component(.weekday, from: Date().addingTimeInterval(86_400))
        let day = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][tomorrow - 1]
        return """
            console:
              timeZone: UTC
            notifications:
              smtp: {host: 127.0.0.1, port: \(smtpPort), from: hub@gate.example, caFile: \(pki.ca), username: \(TestSMTPRelay.user), passwordFile: smtp.pass}
              maxBackoffS: 0.5
              rules:
                - name: operators
                  match: {kinds: [radiation.alarm], devices: [rpm-lane1]}
                  foldS: 300
                  notify: [{email: op@gate.example, language: vi}]
                - name: quiet
                  match: {kinds: [trace], devices: [ims-quiet]}
                  hours: [{days: [\(day)], from: "00:00", to: "24:00"}]
                  notify: [{email: quiet@gate.example, language: en}]
                - name: escalation
                  match: {kinds: [trace.alarm], devices: [ims-lane1, ims-lane2]}
                  foldS: 0
                  notify: [{email: first@gate.example, language: en}]
                  escalate: [{afterS: 3, notify: [{email: chief@gate.example, language: en}]}]
                - name: hooks
                  match: {devices: [rpm-hook]}
                  notify: [{webhook: "http://127.0.0.1:\(hookPort)/hook", secretFile: hook.key}]
            """
    }

    /// A hub on `dir` whose notifications go to a relay on `smtpPort` (and a webhook on `hookPort`).
    static func hub(_ dir: TemporaryDirectory, pki: TestPKI, smtpPort: Int, hookPort: Int = 9, adminToken: String? = nil) async throws
        -> HubHarness
    {
        try dir.write("smtp.pass", TestSMTPRelay.password + "\n")
        try dir.write("hook.key", hookSecret + "\n")
        let hub = try await HubHarness(
            reusing: dir, siteExtra: siteExtra(pki: pki, smtpPort: smtpPort, hookPort: hookPort), adminToken: adminToken)
        // The service starts after the newest stored event: wait until it has its position.
        let ready = try await eventually { try await hub.hub.store.feedCursor(NotificationService.consumerName) != nil }
        try #require(ready, "the notification service never took its starting position")
        return hub
    }

    /// Stores an event as a device's reading would be stored; answers its id.
    @discardableResult
    static func store(
        _ hub: HubHarness, _ kind: String = EventKind.radiationAlarm, device: String = "rpm-lane1", severity: Severity = .alarm
    ) async throws -> String {
        let at = Date()
        let bytes = Array("\(kind) \(device) \(UUID().uuidString)\r\n".utf8)
        let r = RawRecord(
            sha256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(), format: "test-lines", deviceID: device,
            firstReceivedAt: at, receivedAt: at, frameCount: 1, bytes: bytes)
        let e = InspectionEvent(
            id: EventIDGenerator().next(at: at), kind: kind, device: DeviceRef(id: device, profile: "test", family: "test"),
            site: "e2e-gate", lane: "1", observedAt: at, receivedAt: at, data: [:], severity: severity, raw: r.ref)
        try await hub.hub.store.append(IngestBatch(records: [r], events: [e]))
        return e.id
    }

    /// The states of the messages event `id` made, as `step:state`.
    static func outbox(_ hub: HubHarness, _ id: String) async throws -> [String] {
        let (status, json) = try await hub.get("/api/v1/notifications/\(id)")
        #expect(status == 200)
        return (json["messages"] as? [[String: Any]] ?? []).map { "\($0["step"] ?? ""):\($0["state"] ?? "")" }
    }

    /// One rule's counts from `/api/v1/notifications`.
    static func counts(_ hub: HubHarness, _ rule: String) async throws -> [String: Any] {
        let (_, json) = try await hub.get("/api/v1/notifications")
        return (json["rules"] as? [[String: Any]] ?? []).first { $0["rule"] as? String == rule } ?? [:]
    }

    static func verify(_ body: [UInt8], _ timestamp: String, _ signature: String) -> Bool {
        guard signature.hasPrefix("sha256="), let mac = Self.bytes(hex: String(signature.dropFirst(7))) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            mac, authenticating: Array(timestamp.utf8) + Array(".".utf8) + body, using: SymmetricKey(data: Array(hookSecret.utf8)))
    }

    /// Bytes from hex digits, or nil.
    static func bytes(hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            guard let b = UInt8(hex[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        return out
    }

    @Test func anAlarmIsMailedInTheRecipientsLanguageABurstFoldsQuietHoursSuppressAndAWebhookIsSigned() async throws {
        let dir = try TemporaryDirectory("notify-mail")
        let pki = try await TestPKI.make("smtp", in: dir)
        let relay = try await TestSMTPRelay(pki: pki, in: dir, port: try await TestSMTPRelay.freePort())
        defer { relay.stop() }
        let hook = try await SignedWebhookReceiver(verify: Self.verify)
        let hub = try await Self.hub(dir, pki: pki, smtpPort: relay.port, hookPort: hook.port)

        let first = try await Self.store(hub)
        #expect(await eventually { relay.messages(to: "op@gate.example").count == 1 })
        let mail = try #require(relay.messages(to: "op@gate.example").first)
        #expect(mail["subject"] as? String == "Cảnh báo phóng xạ: làn 1, e2e-gate")
        #expect(mail["from"] as? String == "hub@gate.example")
        #expect(mail["tls"] as? Bool == true && mail["authenticated"] as? Bool == true)
        let text = mail["text"] as? String ?? ""
        #expect(text.contains("Mã sự kiện: \(first)") && text.contains("Sự kiện: Cảnh báo phóng xạ (cảnh báo)"), "\(text)")
        #expect(text.contains("Thời gian: ") && text.contains("(UTC+00:00)"))

        // Two more of the same alarm from the same device within the fold window: one message stands.
        let second = try await Self.store(hub)
        let third = try await Self.store(hub)
        #expect(try await eventually { try await Self.outbox(hub, third) == ["0:folded"] })
        #expect(try await Self.outbox(hub, second) == ["0:folded"])
        let operators = try await Self.counts(hub, "operators")
        #expect(operators["sent"] as? Int == 1 && operators["folded"] as? Int == 2 && operators["failed"] as? Int == 0)

        // The quiet rule's day is not today: recorded as suppressed, never sent.
        let trace = try await Self.store(hub, EventKind.traceAlarm, device: "ims-quiet")
        #expect(try await eventually { try await Self.outbox(hub, trace) == ["0:suppressed"] })
        #expect(relay.messages(to: "quiet@gate.example").isEmpty)

        // The webhook: signed with the shared secret, the event inside.
        let hooked = try await Self.store(hub, device: "rpm-hook")
        #expect(await eventually { !hook.received.isEmpty })
        let delivery = try #require(hook.received.first)
        #expect(delivery.signatureValid)
        let body = try #require(try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any])
        #expect(body["rule"] as? String == "hooks" && (body["event"] as? [String: Any])?["id"] as? String == hooked)
        #expect(try await eventually { try await Self.outbox(hub, hooked) == ["0:sent"] })
        #expect(relay.messages(to: "op@gate.example").count == 1)

        try await hub.stop()
        try await hook.stop()
    }

    @Test func anUnacknowledgedTraceDetectorAlarmEscalatesAndAnAcknowledgedOneIsCancelled() async throws {
        let dir = try TemporaryDirectory("notify-escalate")
        let pki = try await TestPKI.make("smtp", in: dir)
        let relay = try await TestSMTPRelay(pki: pki, in: dir, port: try await TestSMTPRelay.freePort())
        defer { relay.stop() }
        let hub = try await Self.hub(dir, pki: pki, smtpPort: relay.port)

        // A trace detector's alarm that nobody acknowledges, and one an operator does.
        let ignored = try await Self.store(hub, EventKind.traceAlarm, device: "ims-lane1")
        let seen = try await Self.store(hub, EventKind.traceAlarm, device: "ims-lane2")
        let (status, _) = try await hub.post("/api/v1/alarms/\(seen)/acknowledgement", "{}")
        #expect(status == 201)
        // The acknowledged alarm's escalation is cancelled (at once, or when due at the latest).
        #expect(try await eventually { try await Self.outbox(hub, seen) == ["0:sent", "1:cancelled"] })
        // The other reaches the next recipient after its 3 s.
        #expect(await eventually { relay.messages(to: "chief@gate.example").count == 1 })
        let escalated = try #require(relay.messages(to: "chief@gate.example").first)
        #expect((escalated["subject"] as? String)?.hasPrefix("Not acknowledged after 1 min: Trace alarm: lane 1") == true, "\(escalated)")
        #expect((escalated["text"] as? String)?.contains("Event: \(ignored)") == true)
        // The relay has the message before the hub hears its 250 and marks the row sent.
        #expect(try await eventually { try await Self.outbox(hub, ignored) == ["0:sent", "1:sent"] })
        #expect(relay.messages(to: "first@gate.example").count == 2)
        let counts = try await Self.counts(hub, "escalation")
        #expect(counts["sent"] as? Int == 3 && counts["cancelled"] as? Int == 1)
        try await hub.stop()
    }

    @Test func aRelayWhoseCertificateTheConfiguredCADidNotSignGetsNothing() async throws {
        let dir = try TemporaryDirectory("notify-untrusted")
        let trusted = try await TestPKI.make("smtp", in: dir)
        let other = try await TestPKI.make("other", in: dir)
        // The relay presents a certificate of another CA than the one the site trusts.
        let relay = try await TestSMTPRelay(pki: other, in: dir, port: try await TestSMTPRelay.freePort())
        defer { relay.stop() }
        let hub = try await Self.hub(dir, pki: trusted, smtpPort: relay.port)
        let alarm = try await Self.store(hub)
        #expect(try await eventually {
            let c = try await Self.counts(hub, "operators")
            return (c["retrying"] as? Int ?? 0) >= 1 && (c["lastError"] as? String) != nil
        })
        let error = try await Self.counts(hub, "operators")["lastError"] as? String ?? ""
        #expect(error.lowercased().contains("certificate") || error.contains("handshake"), "\(error)")
        #expect(try await Self.outbox(hub, alarm) == ["0:pending"])
        #expect(relay.messages.isEmpty)
        try await hub.stop()
    }

    @Test func aMessagePendingWhenTheHubStopsIsDeliveredAfterItRestarts() async throws {
        let dir = try TemporaryDirectory("notify-restart")
        let pki = try await TestPKI.make("smtp", in: dir)
        // No relay yet: the port is held by a socket bound but not listening, so the message is tried,
        // refused, and waits; holding the port keeps a test running beside this one from taking it
        // before the relay does (a listener that hung up instead would leave connections in TIME_WAIT
        // on the port, and the relay could not bind it).
        let holder = try BoundPort()
        let port = holder.port
        let before = try await Self.hub(dir, pki: pki, smtpPort: port)
        let alarm = try await Self.store(before)
        #expect(try await eventually {
            let c = try await Self.counts(before, "operators")
            return (c["retrying"] as? Int ?? 0) >= 1 && (c["lastError"] as? String) != nil
        })
        try await before.stop()

        holder.release()
        let relay = try await TestSMTPRelay(pki: pki, in: dir, port: port)
        defer { relay.stop() }
        let after = try await Self.hub(dir, pki: pki, smtpPort: port, adminToken: before.adminToken)
        #expect(await eventually { relay.messages(to: "op@gate.example").count == 1 })
        #expect((relay.messages(to: "op@gate.example").first?["text"] as? String)?.contains(alarm) == true)
        #expect(try await eventually { try await Self.outbox(after, alarm) == ["0:sent"] })
        try await after.stop()
    }
}


extension NotificationDeliveryTests {
    /// The daily report through the same relay: each subscriber in their language, the page as the
    /// message's HTML and the CSV attached; a subscriber of lane 1 gets lane 1 only, in the page and the CSV.
    @Test func theDailyReportIsMailedToEachSubscriberInTheirLanguageCutToTheirLanes() async throws {
        let dir = try TemporaryDirectory("notify-report")
        let pki = try await TestPKI.make("smtp", in: dir)
        let relay = try await TestSMTPRelay(pki: pki, in: dir, port: try await TestSMTPRelay.freePort())
        defer { relay.stop() }
        let store = try SQLiteEventStore(path: dir.path("store.sqlite"))
        let report = try await DailyReportBuilder(
            store: store, declarations: nil, adjudications: nil, site: "vn-lao-bao",
            zone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, laneDevices: ["1": ["rpm-lane1"], "2": ["rpm-lane2"]]
        ).build(day: Date())
        #expect(report.lanes.map(\.lane) == ["1", "2"])
        let folder = dir.path("reports")
        let archive = ReportArchive(folder: folder)
        let files = archive.paths(of: try await archive.write(report))
        let password = try dir.write("relay.pass", TestSMTPRelay.password)
        let mailer = Mailer(settings: SMTPSettings(
            host: "127.0.0.1", port: relay.port, from: "hub@gate.example", caFile: pki.ca, username: TestSMTPRelay.user,
            passwordFile: password))

        try await ReportDispatch(delivery: MailedReports(mailer: mailer, site: "vn-lao-bao")).send(report, siteFiles: files, to: [
            .init(name: "Chị Lan", email: "lan@gate.example", language: "vi"),
            .init(name: "Tom", email: "tom@gate.example", language: "en", lanes: ["1"]),
        ])

        // The lanes of a message's page and of its CSV's rows.
        func lanes(_ m: [String: Any]) -> (page: [String], csv: [String]) {
            let html = m["html"] as? String ?? ""
            let page = html.components(separatedBy: "data-lane=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            let rows = ((m["csv"] as? [String])?.first ?? "").split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map(String.init) }
            let column = rows.first?.firstIndex(of: "lane") ?? 0
            return (page, rows.dropFirst().map { $0[column] })
        }
        let vi = try #require(relay.messages(to: "lan@gate.example").first)
        #expect((vi["subject"] as? String)?.hasPrefix("Báo cáo ngày") == true)
        #expect(vi["attachments"] as? [String] == ["\(report.day).csv"])
        #expect((vi["html"] as? String)?.contains("lang=\"vi\"") == true)
        #expect(vi["tls"] as? Bool == true)
        #expect(lanes(vi).page == ["1", "2"] && lanes(vi).csv == ["1", "2"])
        // The words are the console's catalog's, none left as its key.
        let viPage = vi["html"] as? String ?? ""
        #expect(viPage.contains("<h2>Làn 1</h2>") && viPage.contains("Thời gian giải phóng hàng") && viPage.contains("Không có báo động."))
        #expect(!["report.", "tr.", "code.", "review."].contains { viPage.contains($0) }, "\(viPage)")
        let en = try #require(relay.messages(to: "tom@gate.example").first)
        #expect((en["subject"] as? String)?.hasPrefix("Daily report of vn-lao-bao") == true)
        #expect((en["html"] as? String)?.contains("lang=\"en\"") == true)
        #expect((en["html"] as? String)?.contains("This report covers these lanes only: 1.") == true)
        #expect((en["text"] as? String)?.contains("The report covers your lanes only: 1.") == true)
        #expect(lanes(en).page == ["1"] && lanes(en).csv == ["1"])
        // The folder keeps the site's report alone.
        #expect(archive.list().map { $0.files.count } == [3])
    }
}

/// A loopback TCP port taken by a socket that is bound but does not listen: connections to it are refused.
private final class BoundPort {
    let port: Int
    private var fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = fd >= 0 && withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            if fd >= 0 { close(fd) }
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
