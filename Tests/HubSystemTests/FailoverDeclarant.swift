import Foundation
import HubTesting
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The customs system posting declarations to a hub whose store fails over. Unlike CrashStreams'
/// declarant it does not give up on a request left without an answer: it goes on, as the units
/// do, and counts every answer by status, keeping the numbers answered 2xx.
final class FailoverDeclarant: Sendable {
    private let stopped = Mutex(false)
    /// Declarations answered 2xx: their number and the status they got.
    let answered2xx = Mutex<[String: Int]>([:])
    /// Every answer by status; 0 counts requests that got none (timed out, connection lost).
    let statuses = Mutex<[Int: Int]>([:])

    /// The pause between posts: a steady client, not a flood beside five units on two cores.
    static let pace = Duration.milliseconds(50)

    var isStopped: Bool { stopped.withLock { $0 } }
    func stop() { stopped.withLock { $0 = true } }
    var count: Int { answered2xx.withLock { $0.count } }

    /// Posts declarations numbered `8…1`, `8…2`, … until stopped; each number is posted once, so
    /// any second copy in the store was made by the hub, not by this client.
    func run(hub: Int, token: String) async {
        var n = 0
        while !isStopped {
            try? await Task.sleep(for: Self.pace)
            n += 1
            let number = String(format: "8%011d", n)
            let doc = DeclarationSamples.doc(number, containers: ["TCNU7200794"], plate: "29H-\(n)")
            let status = await Self.post(hub, "/api/v1/declarations", doc, token: token) ?? 0
            statuses.withLock { $0[status, default: 0] += 1 }
            if (200..<300).contains(status) { answered2xx.withLock { $0[number] = status } }
        }
    }

    /// The status of one POST, or nil without an answer. The timeout is longer than the hub's
    /// `storeWait` (30 s), so an answer held through a failover is still taken.
    static func post(_ port: Int, _ path: String, _ body: String, token: String) async -> Int? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 45)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }
}
