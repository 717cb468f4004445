import ArgumentParser
import Foundation
import HubDevices

extension Scenario {
    /// One thing that happens `at` seconds into the run (`10s`, `1.5s` or a bare number). A step holds
    /// one action or more; `faults:` damages the frames the step's actions write.
    struct Step: Decodable, Sendable {
        var at: Double
        var truck: Truck?
        var declaration: Declaration?
        /// A device whose link goes away for good (a pulled cable).
        var unplug: String?
        /// A device whose connection drops and is dialled again (trackers log in again).
        var reconnect: String?
        /// A GT06 or Teltonika tracker, or an ASCII e-seal: positions, a route, an alarm.
        var tracker: TrackerStep?
        /// A container scanner's result and image files (or an HTTP post).
        var scan: ScanStep?
        /// A radiation instrument's N42.42 file.
        var n42: InstrumentStep?
        /// Image analysts' verdict on a container's newest scan (claimed, judged, confirmed through the API).
        var verdict: VerdictStep?
        /// A trace detector's result line: an alarm with its substance, or a clear swab.
        var trace: TraceStep?
        /// An operator acknowledges an alarm through the API (`POST /api/v1/alarms/{id}/acknowledgement`).
        var acknowledge: AcknowledgeStep?
        /// A supervisor's command to a tracker or e-seal that has logged in (approved by a second one when held).
        var command: CommandStep?
        var faults: StepFaults?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case at, truck, declaration, unplug, reconnect, tracker, scan, n42, verdict, trace, acknowledge, command, faults
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            at = try c.decode(Seconds.self, forKey: .at).value
            truck = try c.decodeIfPresent(Truck.self, forKey: .truck)
            declaration = try c.decodeIfPresent(Declaration.self, forKey: .declaration)
            unplug = try c.decodeIfPresent(String.self, forKey: .unplug)
            reconnect = try c.decodeIfPresent(String.self, forKey: .reconnect)
            tracker = try c.decodeIfPresent(TrackerStep.self, forKey: .tracker)
            scan = try c.decodeIfPresent(ScanStep.self, forKey: .scan)
            n42 = try c.decodeIfPresent(InstrumentStep.self, forKey: .n42)
            verdict = try c.decodeIfPresent(VerdictStep.self, forKey: .verdict)
            trace = try c.decodeIfPresent(TraceStep.self, forKey: .trace)
            acknowledge = try c.decodeIfPresent(AcknowledgeStep.self, forKey: .acknowledge)
            command = try c.decodeIfPresent(CommandStep.self, forKey: .command)
            faults = try c.decodeIfPresent(StepFaults.self, forKey: .faults)
        }
    }

    /// Seconds written `10s`, `1.5s` or as a bare number.
    struct Seconds: Decodable, Sendable {
        var value: Double

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Double.self) {
                value = v
                return
            }
            let text = try c.decode(String.self)
            guard let v = Double(text.hasSuffix("s") ? String(text.dropLast()) : text), v >= 0 else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected seconds like 10s, got '\(text)'")
            }
            value = v
        }
    }

    /// A vehicle reaching a lane's camera at the step's second (or, in a queue, once the truck ahead
    /// has entered the portal): the camera reads it, it crosses the portal monitor after the truck
    /// ahead has left it, and the scanner (device `scanner`) scans it when `scan:` says with what result.
    struct Truck: Decodable, Sendable {
        var lane: String?
        var containers: [String]?
        var plate: String?
        var gammaAlarm: Bool?
        /// What the camera reads instead of a container's number (one confusable character).
        var misread: [String: String]?
        /// Unplug this device (e.g. `rpm`) while the vehicle is inside the portal.
        var unplugMidway: String?
        /// `clear` or `suspect`: the scanner's threat detection on this truck.
        var scan: String?
        /// Seconds it takes to cross the portal (its occupancy); a seeded 4–10 s when not given.
        var occupancyS: Double?
        /// Seconds it stands still inside the portal: the occupancy lasts that much longer.
        var stopInPortalS: Double?
        /// Reads the camera misses: `plate`, `containers`.
        var missed: [String]?
        /// The camera reads the plate twice (a second read one second after the first).
        var doubleRead: Bool?
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

    /// A tracker or seal on `device` (its protocol: gt06, teltonika or eseal) named `unit` (a 15-digit
    /// IMEI, or the e-seal's id). Its first report logs it in (GT06 login, Teltonika IMEI handshake,
    /// e-seal LOCK) and waits for the ack. Then one position (`lat`, `lon`), or `reports` positions
    /// evenly along `route` `every` seconds apart; `alarm` goes with the last position: `opened`,
    /// `tampered`, `cut`, `low-battery`, `shock`, `lock`, `unlock`, `sos` (what the protocol has).
    struct TrackerStep: Decodable, Sendable {
        var device: String
        var unit: String
        var lat: Double?
        var lon: Double?
        var route: [[Double]]?
        var reports: Int?
        var every: Seconds?
        var kmh: Double?
        var alarm: String?
    }

    /// One scan on `device` (default `scanner`): a result document and `images` small image files
    /// (default 1), or an HTTP post when the device says `post: true`.
    struct ScanStep: Decodable, Sendable {
        var device: String?
        var lane: String?
        var containers: [String]?
        var plate: String?
        var suspect: Bool?
        var images: Int?
        /// A baggage scanner's bag: whose it is (`kind` passenger, vehicle or flight, and `reference`).
        var bag: Bag?

        struct Bag: Decodable, Sendable {
            var kind: String
            var reference: String
        }
    }

    /// One measurement file of the instrument `device` (default `n42`): background unless `alarm`
    /// names a nuclide (e.g. `Cs-137`), which puts its photopeak in the spectrum and an alarm in the file.
    struct InstrumentStep: Decodable, Sendable {
        var device: String?
        var alarm: String?
        var doseRateUSvH: Double?
        var neutrons: Int?
        var lat: Double?
        var lon: Double?
    }

    /// Faults on the frames (or files) a step writes, as the command-line flags: shares 0–1 of frames
    /// hit, `clockSkewS` on the device's clock, `burst` sends a route's reports at once.
    struct StepFaults: Decodable, Sendable {
        var garbage: Double?
        var badChecksum: Double?
        var truncate: Double?
        var duplicate: Double?
        var clockSkewS: Double?
        var burst: Bool?

        /// The command line's options, so a step is checked and applied by the same code.
        func options() throws -> FaultOptions {
            var args: [String] = []
            for (flag, v) in [("--garbage", garbage), ("--bad-checksum", badChecksum), ("--truncate", truncate), ("--duplicate", duplicate)] {
                if let v { args += [flag, String(v)] }
            }
            if let s = clockSkewS { args.append("--clock-skew=\(s)") }
            do { return try FaultOptions.parse(args) } catch { throw ScenarioError("faults: \(FaultOptions.message(for: error))") }
        }
    }
}
