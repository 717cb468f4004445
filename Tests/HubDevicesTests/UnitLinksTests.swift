import HubDevices
import HubModel
import Synchronization
import Testing

/// The live connections units send commands on: what is written, which answers reach the command,
/// and what ends its wait.
struct UnitLinksTests {
    /// What a link wrote.
    final class Written: Sendable {
        let frames = Mutex<[[UInt8]]>([])
    }

    /// A link whose writes are kept.
    static func link(_ connection: Int, _ written: Written) -> UnitLinks.Link {
        UnitLinks.Link(deviceID: "seals", protocolName: "gt06", connection: connection) { b in written.frames.withLock { $0.append(b) } }
    }

    static func refusal(_ r: Result<AsyncStream<UnitAnswer>, UnitLinks.SendRefusal>) -> UnitLinks.SendRefusal? {
        if case .failure(let why) = r { why } else { nil }
    }

    @Test func aCommandIsWrittenAndOnlyItsOwnAnswersOnItsConnectionReachIt() async throws {
        let links = UnitLinks()
        let written = Written()
        #expect(Self.refusal(links.send([1], to: "u1", tag: .serverFlag(7))) == .notConnected)
        links.connected("u1", Self.link(1, written))
        let answers = try links.send([0x80, 1], to: "u1", tag: .serverFlag(7)).get()
        #expect(written.frames.withLock { $0 } == [[0x80, 1]])
        #expect(Self.refusal(links.send([2], to: "u1", tag: .serverFlag(7))) == .busy, "one command per tag at a time")
        links.answered("u1", connection: 1, [UnitAnswer(tag: .serverFlag(8), text: "other", verdict: .executed)])
        links.answered("u1", connection: 2, [UnitAnswer(tag: .serverFlag(7), text: "another connection", verdict: .executed)])
        links.answered("u1", connection: 1, [UnitAnswer(tag: .serverFlag(7), text: "Success", verdict: .executed)])
        links.finished("u1", tag: .serverFlag(7))
        var got: [String] = []
        for await a in answers { got.append(a.text) }
        #expect(got == ["Success"])
    }

    @Test func aClosedConnectionEndsTheWaitButNotANewerOne() async throws {
        let links = UnitLinks()
        let written = Written()
        links.connected("u1", Self.link(1, written))
        let waiting = try links.send([1], to: "u1", tag: .next).get()
        // The unit dialled again: the old connection's close leaves the new link in place.
        links.connected("u1", Self.link(2, written))
        links.disconnected("u1", connection: 1)
        var got = 0
        for await _ in waiting { got += 1 }
        #expect(got == 0)
        #expect(links.link("u1")?.connection == 2)
        links.disconnected("u1", connection: 2)
        #expect(links.link("u1")?.connection == nil)
    }
}
