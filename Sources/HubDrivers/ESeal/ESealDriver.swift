import Foundation
import HubModel

/// ASCII e-seals (`##S,eSeal,…,E##`, see `ESealMessage`) over TCP. Each report becomes a `seal.status`
/// reading for its event, and a `gps.fix` when it carries a position; heartbeats become tracker status.
/// Every well-formed report is acknowledged.
public struct ESealDriver: DeviceDriver {
    public let rawFormat = "eseal-ascii"
    public private(set) var counters = DecodeCounters()

    private let options: DriverOptions
    private var framer: StreamFramer

    public init(options: DriverOptions = DriverOptions()) {
        self.options = options
        // A report is under 128 bytes; the profile's limit bounds how long a broken one is waited for.
        framer = StreamFramer(maxFrameBytes: min(max(options.maxFrameBytes, 128), 4096))
    }

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        counters.bytes += bytes.count
        var framer = self.framer
        framer.push(bytes, cut: ESealMessage.cut) { handle($0, into: &steps) }
        self.framer = framer
    }

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) {
        var framer = self.framer
        framer.finish(cut: ESealMessage.cut) { handle($0, into: &steps) }
        self.framer = framer
    }

    private mutating func handle(_ output: StreamFramer.Output, into steps: inout [DriverStep]) {
        switch output {
        case .junk(let bytes, let reason):
            steps.append(.frame(bytes))
            counters.countJunk(bytes, reason)
        case .frame(let bytes):
            counters.frames += 1
            steps.append(.frame(Array(bytes)))
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
}
