import Foundation
import HubTesting
import Testing

/// Every scenario under `Simulators/Scenarios/` played by the built `niisim run --expect` against a
/// hub of its own (one lane: portal monitor on a pseudo-terminal link, OCR camera and e-seals on
/// loopback TCP, short passage windows), and a wrong expectation caught with a diff naming the item.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ScenarioTests {
    static let names = [
        "clean-green-passage", "radiation-alarm", "ocr-misread-repaired", "undeclared-container",
        "seal-tampered-in-transit", "corridor-deviation", "late-declaration", "device-unplugged-mid-passage",
    ]

    static func path(_ name: String) -> String {
        Corpus.packageRoot.appendingPathComponent("Simulators/Scenarios/\(name).yaml").path
    }

    /// `niisim run FILE --expect` against a fresh hub with the scenario site's devices.
    static func play(_ file: String) async throws -> SimulatorRun {
        let h = try await HubHarness(
            label: "scenario",
            devices: HubHarness.serialRPM + """

                  - {id: ocr-lane1, profile: gate-ocr-camera, lane: "1", listen: "127.0.0.1:0"}
                  - {id: seals, profile: ascii-eseal, listen: "127.0.0.1:0"}
                """,
            siteExtra: "passages: {beforeS: 30, afterS: 2, gapS: 5}")
        #expect(await eventually { (try? await h.boundPort("ocr-lane1")) ?? 0 > 0 })
        #expect(await eventually { (try? await h.boundPort("seals")) ?? 0 > 0 })
        let ocr = try #require(try await h.boundPort("ocr-lane1")), seals = try #require(try await h.boundPort("seals"))
        let run = try await SimulatorRun.run(
            ["run", file, "--hub", "http://127.0.0.1:\(h.port)", "--token", h.adminToken, "--speed", "2", "--expect",
             "--device", "rpm=\(h.devicePath)", "--device", "ocr=127.0.0.1:\(ocr)", "--device", "eseal=127.0.0.1:\(seals)"],
            in: h.dir)
        try await h.stop()
        return run
    }

    @Test(arguments: names) func scenarioHoldsItsExpectations(_ name: String) async throws {
        let run = try await Self.play(Self.path(name))
        let out = String(decoding: run.out, as: UTF8.self)
        #expect(run.status == 0, "\(name):\n\(out)\n\(run.err)")
        #expect(out.contains("all") && !out.contains("DIFF"))
    }

    @Test func aWrongExpectationExitsNonZeroWithADiffNamingTheItem() async throws {
        let dir = try TemporaryDirectory("wrong-scenario")
        let text = try String(contentsOfFile: Self.path("clean-green-passage"), encoding: .utf8)
            .replacingOccurrences(of: "gate.passage: 1", with: "gate.passage: 2")
            .replacingOccurrences(of: "settleS: 90", with: "settleS: 20")
        let run = try await Self.play(try dir.write("wrong.yaml", text))
        let out = String(decoding: run.out, as: UTF8.self)
        #expect(run.status != 0)
        #expect(out.contains("DIFF  events gate.passage"), "\(out)")
        #expect(out.contains("expected: 2") && out.contains("found:    1"), "\(out)")
    }
}
