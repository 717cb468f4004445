import Foundation

/// A scenario file: where the hub's devices are, what happens when, and what the hub should then show.
struct Scenario: Decodable, Sendable {
    /// How this scenario reaches the hub's devices; `--device NAME=ADDRESS` overrides an address.
    var devices: [String: DeviceLink]
    var timeline: [Step]
    var expect: Expectations

    enum CodingKeys: String, CodingKey { case devices, timeline, expect }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        devices = try c.decodeIfPresent([String: DeviceLink].self, forKey: .devices) ?? [:]
        timeline = try c.decodeIfPresent([Step].self, forKey: .timeline) ?? []
        expect = try c.decodeIfPresent(Expectations.self, forKey: .expect) ?? Expectations()
    }

    struct DeviceLink: Decodable, Sendable {
        /// The hub's id for the device, waited on until online before the timeline starts (serial links).
        var id: String?
        /// A pseudo-terminal link path the hub's config reads.
        var link: String?
        /// A hub TCP listener, HOST:PORT on loopback.
        var tcp: String?
    }

    /// One thing that happens `at` seconds into the run (`10s`, `1.5s` or a bare number).
    struct Step: Decodable, Sendable {
        var at: Double
        var truck: Truck?
        var declaration: Declaration?
        /// A device whose link goes away (a pulled cable).
        var unplug: String?
        /// An e-seal report on the way (device `eseal`).
        var seal: SealReport?

        enum CodingKeys: String, CodingKey { case at, truck, declaration, unplug, seal }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let text = try c.decode(String.self, forKey: .at)
            guard let seconds = Double(text.hasSuffix("s") ? String(text.dropLast()) : text) else {
                throw DecodingError.dataCorruptedError(forKey: .at, in: c, debugDescription: "expected seconds like 10s, got '\(text)'")
            }
            at = seconds
            truck = try c.decodeIfPresent(Truck.self, forKey: .truck)
            declaration = try c.decodeIfPresent(Declaration.self, forKey: .declaration)
            unplug = try c.decodeIfPresent(String.self, forKey: .unplug)
            seal = try c.decodeIfPresent(SealReport.self, forKey: .seal)
        }
    }

    /// A vehicle entering a lane: the camera reads it, then it crosses the portal monitor.
    struct Truck: Decodable, Sendable {
        var lane: String?
        var containers: [String]?
        var plate: String?
        var gammaAlarm: Bool?
        /// What the camera reads instead of a container's number (one confusable character).
        var misread: [String: String]?
        /// Unplug this device (e.g. `rpm`) while the vehicle is inside the portal.
        var unplugMidway: String?
    }

    /// A declaration document as `POST /api/v1/declarations` takes it (see README).
    struct Declaration: Decodable, Sendable {
        var number: String
        var type: String?
        var office: String?
        var tin: String?
        var containers: [String]?
        var plates: [String]?
        var channel: String?
        var seals: [String]?
        var transit: Transit?

        var json: [String: Any] {
            var j: [String: Any] = [
                "number": number, "type": type ?? "import", "office": office ?? "03CE", "trader": ["tin": tin ?? "0301234567"],
                "containers": containers ?? [], "plates": plates ?? [], "channel": channel ?? "green", "seals": seals ?? [],
            ]
            if let t = transit {
                j["transit"] = ["origin": t.origin, "destination": t.destination, "bufferM": t.bufferM ?? 500,
                                "corridor": t.corridor, "start": t.start ?? "2000-01-01T00:00:00Z",
                                "end": t.end ?? "2099-01-01T00:00:00Z"] as [String: Any]
            }
            return j
        }
    }

    struct Transit: Decodable, Sendable {
        var origin: String
        var destination: String
        var bufferM: Double?
        var corridor: [[Double]]
        var start: String?
        var end: String?
    }

    /// One ASCII e-seal report: `POS`, or an alarm such as `DOOR`, `CUT`, `TAMPER`.
    struct SealReport: Decodable, Sendable {
        var id: String
        var event: String?
        var lat: Double
        var lon: Double
    }

    struct Expectations: Decodable, Sendable {
        /// Seconds to wait for the hub to settle into the expected outcome.
        var settleS: Double?
        /// Event kind → how many the hub holds.
        var events: [String: Int]?
        var passages: [Passage]?
        /// Declaration number → the link kinds (container, plate) it has.
        var links: [String: [String]]?
        var risk: [Risk]?
        /// Device id → its state at the hub (`online`, `offline`, …).
        var devices: [String: String]?
    }

    struct Passage: Decodable, Sendable {
        var containers: [String]?
        var plate: String?
        var gammaAlarm: Bool?
    }

    /// The last feed assessment of a declaration.
    struct Risk: Decodable, Sendable {
        var declaration: String
        var channel: String?
        /// Inclusive score range, `[low, high]`.
        var score: [Double]?
    }
}
