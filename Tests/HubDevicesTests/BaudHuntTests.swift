import HubDevices
import Testing

/// The hunt's decisions, from counts alone: which candidate comes next, when one is kept, and where a
/// reopened link starts.
struct BaudHuntTests {
    static let t0 = ContinuousClock.now
    static let garbage = (bytes: 1024, recognised: 0, rejected: 8)

    static func hunt(_ bauds: [Int], _ framings: [String] = ["8N1"]) -> BaudHunt {
        BaudHunt(plan: AutoBaud(bauds: bauds, framings: framings.compactMap(SerialFraming.init)),
                 base: SerialSettings(), at: t0)
    }

    static func line(_ baud: Int, _ framing: String = "8N1") -> SerialSettings {
        var s = SerialSettings(baud: baud)
        s.framing = SerialFraming(framing)!
        return s
    }

    @Test func aWindowOfNoiseMovesOnAndRecognisedFramesLock() {
        var h = Self.hunt([9600, 4800, 38400])
        #expect(h.current == Self.line(9600))
        let g = Self.garbage
        #expect(h.observe(bytes: g.bytes, recognised: g.recognised, rejected: g.rejected, at: Self.t0) == .retune(Self.line(4800)))
        #expect(h.observe(bytes: g.bytes, recognised: g.recognised, rejected: g.rejected, at: Self.t0) == .retune(Self.line(38400)))
        // The first line after a retune may be cut: one reject beside the frames does not stop the lock.
        #expect(h.observe(bytes: 300, recognised: 4, rejected: 1, at: Self.t0) == .lock(Self.line(38400)))
        #expect(h.locked && h.tried == 3)
        // Locked: noise later (a cable knocked) does not start a hunt on a live link.
        #expect(h.observe(bytes: g.bytes, recognised: 0, rejected: 20, at: Self.t0 + .seconds(60)) == .stay)
        #expect(h.current == Self.line(38400))
    }

    @Test func oneLuckyLineOrFramesDrownedInRejectsDoNotLock() {
        var h = Self.hunt([9600, 4800])
        #expect(h.observe(bytes: 100, recognised: 1, rejected: 0, at: Self.t0) == .stay)
        #expect(h.observe(bytes: 100, recognised: 1, rejected: 3, at: Self.t0) == .stay)
        #expect(!h.locked)
        // Still nothing convincing when the window is full: the next speed.
        #expect(h.observe(bytes: 900, recognised: 0, rejected: 2, at: Self.t0) == .retune(Self.line(4800)))
    }

    @Test func everySpeedAtOneFramingThenTheNextThenRoundAgain() {
        var h = Self.hunt([9600, 4800], ["8N1", "7E1"])
        var seen: [String] = [h.current.summary]
        for _ in 0..<4 {
            guard case .retune(let next) = h.observe(bytes: 2000, recognised: 0, rejected: 0, at: Self.t0) else {
                Issue.record("expected a retune")
                return
            }
            seen.append(next.summary)
        }
        #expect(seen == ["9600 8N1", "4800 8N1", "9600 7E1", "4800 7E1", "9600 8N1"])
    }

    @Test func aQuietLineMovesOnAfterTheDwellUnlessAFrameCame() {
        var h = Self.hunt([9600, 4800, 38400])
        #expect(h.tick(at: Self.t0 + .seconds(2)) == .stay)
        #expect(h.tick(at: Self.t0 + .seconds(3)) == .retune(Self.line(4800)))
        // The dwell counts from the retune, and a recognised frame holds the candidate for its window.
        #expect(h.tick(at: Self.t0 + .seconds(5)) == .stay)
        #expect(h.observe(bytes: 80, recognised: 1, rejected: 0, at: Self.t0 + .seconds(5)) == .stay)
        #expect(h.tick(at: Self.t0 + .seconds(30)) == .stay)
    }

    @Test func aReopenedLinkStartsFromTheSpeedThatWorked() {
        var h = Self.hunt([9600, 4800, 38400])
        _ = h.observe(bytes: 2000, recognised: 0, rejected: 0, at: Self.t0)
        _ = h.observe(bytes: 2000, recognised: 0, rejected: 0, at: Self.t0)
        #expect(h.observe(bytes: 200, recognised: 3, rejected: 0, at: Self.t0) == .lock(Self.line(38400)))
        h.restart(at: Self.t0 + .seconds(10))
        #expect(!h.locked && h.current == Self.line(38400) && h.tried == 1)
        #expect(h.observe(bytes: 200, recognised: 2, rejected: 0, at: Self.t0 + .seconds(10)) == .lock(Self.line(38400)))
    }

    @Test func framingsReadAsWritten() {
        #expect(SerialFraming("7e1") == SerialFraming(dataBits: 7, parity: .even, stopBits: 1))
        #expect(SerialFraming("8O2")?.description == "8O2")
        for bad in ["9N1", "8X1", "8N3", "8N", "8N11", ""] { #expect(SerialFraming(bad) == nil, "\(bad)") }
    }
}
