import Foundation
import HubModel

/// Decodes e-seal reports into readings and acks; the seal names itself in every report, so the
/// only state kept is the last seal named and the verdict on it.
struct ESealSession: FrameDecoder {
    var options: DriverOptions
    private(set) var unit: UnitLogin?

    init(options: DriverOptions) { self.options = options }

    static func cut(_ bytes: ArraySlice<UInt8>) -> FrameCut { ESealMessage.cut(bytes) }

    mutating func decode(_ bytes: ArraySlice<UInt8>, counters: inout DecodeCounters, into steps: inout [DriverStep]) {
        if bytes.count > 3, bytes[bytes.startIndex + 2] == UInt8(ascii: "R") {
            // An answer to the hub's command (`ESealCommands`): handed to its sender, not acknowledged.
            guard let (id, answer) = ESealCommands.answer(bytes) else { return counters.reject(.malformed) }
            guard options.admission(of: id) != .refused else { return counters.reject(.refused) }
            return steps.append(.answer(answer))
        }
        guard let m = ESealMessage(bytes, utcOffsetSeconds: options.utcOffsetSeconds) else {
            return counters.reject(.malformed)
        }
        let verdict = options.admission(of: m.id)
        unit = UnitLogin(id: m.id, verdict: verdict)
        guard verdict != .refused else { return counters.reject(.refused) }
        var readings: [DeviceReading] = []
        if let lat = m.lat, let lon = m.lon {
            readings.append(
                .gpsFix(GPSFix(observedAt: m.observedAt, lat: lat, lon: lon, source: "eseal", unitID: m.id, sealID: m.id)))
        }
        switch m.event {
        case nil:
            counters.unknown(m.eventWord)
        case .heartbeat:
            readings.append(
                .trackerStatus(
                    TrackerStatus(observedAt: m.observedAt, event: .heartbeat, unitID: m.id, batteryPercent: m.batteryPercent)))
        case .some(let event):
            if let status = event.sealStatus {
                readings.append(
                    .sealStatus(
                        SealStatus(
                            observedAt: m.observedAt, status: status, deviceEvent: m.eventWord, sealID: m.id,
                            unitID: m.id, lat: m.lat, lon: m.lon, batteryPercent: m.batteryPercent)))
            }
        }
        if verdict == .quarantined {
            counters.reject(.quarantined)
        } else {
            steps.append(readings: readings, counters: &counters)
        }
        steps.append(.reply(ESealMessage.ack(id: m.id, sequence: m.sequence)))
    }
}
