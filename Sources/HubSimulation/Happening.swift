import Foundation
import HubModel

/// One thing a device saw of one truck: when it happened, what the device's clock said, and when
/// the hub gets it. Times are seconds from the simulation's epoch.
public struct Happening: Sendable, Equatable {
    public enum What: Sendable, Equatable {
        /// The front entered the portal.
        case entry
        /// The rear left the portal; `enteredAt` is the entry by the portal's clock.
        case exit(enteredAt: Double, gammaAlarm: Bool)
        case plateRead(String)
        case containerRead(String)
        /// A scan that started as the front reached the scanner; its result names these.
        case scan(id: String, containers: [String], plate: String, suspect: Bool)
    }

    public var truck: Int
    public var what: What
    public var device: String
    /// The lane whose device saw it (a neighbouring lane's camera names its own lane).
    public var lane: String
    /// When it happened (the simulation's true clock).
    public var at: Double
    /// The device's clock then.
    public var deviceAt: Double
    /// When the hub receives it.
    public var arrivesAt: Double
}

extension LaneTraffic {
    /// Everything the lane's devices see of truck `i` driving `path`.
    func happenings(truck i: Int, plan t: TruckPlan, path: Trajectory, lane: Int) -> [Happening] {
        var rng = SeededRandom(seed: UInt64(i) &* 0x9E37_79B9 ^ 0xC0FFEE)
        let devices = lanes[lane]
        let id = identities[i]
        var out: [Happening] = []
        func add(_ what: Happening.What, _ device: String, at: Double, lane: String? = nil, delay: Double? = nil) {
            let deviceAt = at + (plan.skewS[device] ?? 0)
            let arrives = at + (delay ?? rng.uniform(0...max(0, plan.jitterS)))
            out.append(Happening(truck: i, what: what, device: device, lane: lane ?? devices.lane, at: at, deviceAt: deviceAt, arrivesAt: arrives))
        }
        let entry = path.time(reaching: 0), exit = path.time(reaching: t.lengthM)
        add(.entry, devices.portal, at: entry)
        add(.exit(enteredAt: entry + (plan.skewS[devices.portal] ?? 0), gammaAlarm: t.gammaAlarm), devices.portal, at: exit)

        let plate = t.faults.misread ? (Misread.apply(id.plate, &rng)?.text ?? id.plate) : id.plate
        for camera in devices.cameras {
            // A camera before the portal sees fronts go by, one after it sees rears.
            let passes = path.time(reaching: camera.atM < 0 ? camera.atM : camera.atM + t.lengthM)
            var reads: [Happening.What] = []
            if camera.readsPlate, !t.faults.missPlate { reads.append(.plateRead(plate)) }
            if camera.readsContainers {
                for (k, c) in id.containers.enumerated() where !(k == 0 && t.faults.missContainer) {
                    let text = k == 0 && t.faults.misread ? (Misread.apply(c, &rng)?.text ?? c) : c
                    reads.append(.containerRead(text))
                }
            }
            if t.faults.duplicate, let first = reads.first { reads.append(first) }
            for (k, r) in reads.enumerated() {
                // Reads of one pass come a few tens of milliseconds apart; a double read within a second.
                let offset = k == reads.count - 1 && t.faults.duplicate ? rng.uniform(0.2...0.9) : Double(k) * 0.04
                add(r, camera.id, at: passes + offset)
            }
            if camera.readsPlate, t.faults.neighbourRead, !t.faults.missPlate, lanes.count > 1 {
                let other = lanes[(lane + 1) % lanes.count]
                if let c = other.plateCamera { add(.plateRead(plate), c.id, at: passes + 0.01, lane: other.lane) }
            }
        }
        if let scan = t.scan, let scanner = devices.scanner, !id.containers.isEmpty {
            let starts = path.time(reaching: devices.scannerAtM)
            add(.scan(id: String(format: "SCN-%06d", i + 1), containers: id.containers, plate: id.plate, suspect: scan.suspect),
                scanner, at: starts, delay: max(35, scan.delayS))
        }
        return out
    }

    /// The inspection event the hub would store for `h`.
    func event(_ h: Happening, id: String) -> InspectionEvent {
        let observed = Self.milliseconds(epoch.addingTimeInterval(h.deviceAt))
        let received = Self.milliseconds(epoch.addingTimeInterval(h.arrivesAt))
        var subject = Subject()
        let payload: any EventPayloadBody
        var severity = Severity.info
        let kind: String, family: String, profile: String
        switch h.what {
        case .entry:
            (kind, family, profile) = (EventKind.occupancyStart, "radiation", "rapiscan-rpm")
            payload = OccupancyStartPayload(startedAt: observed)
        case .exit(let enteredAt, let gamma):
            (kind, family, profile) = (EventKind.occupancy, "radiation", "rapiscan-rpm")
            payload = OccupancyPayload(
                gammaAlarm: gamma, neutronAlarm: false, startedAt: Self.milliseconds(epoch.addingTimeInterval(enteredAt)),
                endedAt: observed)
            if gamma { severity = .alarm }
        case .plateRead(let text), .containerRead(let text):
            (kind, family, profile) = (EventKind.ocrRead, "ocr", "gate-ocr-camera")
            let isPlate = if case .plateRead = h.what { true } else { false }
            if isPlate { subject.plates = [text] } else { subject.containers = [text] }
            payload = OCRReadPayload(read: isPlate ? .plate : .container, text: text, confidence: 95, cameraLane: h.lane)
        case .scan(let scanID, let containers, let plate, let suspect):
            (kind, family, profile) = (EventKind.scanResult, "scanner", "container-scanner")
            subject.containers = containers
            subject.plates = [plate]
            var scan = ScanResultPayload(scanId: scanID, startedAt: observed)
            scan.atdResult = suspect ? .suspect : .clear
            payload = scan
            if suspect { severity = .alarm }
        }
        return InspectionEvent(
            id: id, kind: kind, device: DeviceRef(id: h.device, profile: profile, family: family), site: site, lane: h.lane,
            observedAt: observed, receivedAt: received, subject: subject, payload: payload.payload, severity: severity,
            raw: RawRef(sha256: "", format: "simulated"))
    }

    /// Times as the hub writes them: to the millisecond.
    static func milliseconds(_ d: Date) -> Date {
        Date(timeIntervalSince1970: (d.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
