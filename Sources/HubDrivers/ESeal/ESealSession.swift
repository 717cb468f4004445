import Foundation
import HubModel

/// Decodes e-seal reports into readings and acks; the seal names itself in every report, so there is
/// no connection state to keep.
struct ESealSession: FrameDecoder {
    private let options: DriverOptions

    init(options: DriverOptions) { self.options = options }

    static func cut(_ bytes: ArraySlice<UInt8>) -> FrameCut { ESealMessage.cut(bytes) }

    mutating func decode(_ bytes: ArraySlice<UInt8>, counters: inout DecodeCounters, into steps: inout [DriverStep]) {
        guard let m = ESealMessage(bytes, utcOffsetSeconds: options.utcOffsetSeconds) else {
            return counters.reject(.malformed)
        }
        guard options.allows(unit: m.id) else { return counters.reject(.refused) }
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
        steps.append(readings: readings, counters: &counters)
        steps.append(.reply(ESealMessage.ack(id: m.id, sequence: m.sequence)))
    }
}
