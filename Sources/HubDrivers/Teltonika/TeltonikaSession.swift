import Foundation
import HubModel

/// One Teltonika connection's state: the unit named by its handshake, and whether it was refused.
struct TeltonikaSession: FrameDecoder {
    private let options: DriverOptions
    private var unitID: String?
    private var refused = false

    init(options: DriverOptions) { self.options = options }

    static func cut(_ bytes: ArraySlice<UInt8>) -> FrameCut { TeltonikaFrame.cut(bytes) }

    mutating func decode(_ bytes: ArraySlice<UInt8>, counters: inout DecodeCounters, into steps: inout [DriverStep]) {
        switch TeltonikaFrame(bytes) {
        case .imei(let imei):
            let accepted = options.allows(unit: imei)
            unitID = imei
            refused = !accepted
            let login = TrackerStatus(observedAt: nil, event: .login, unitID: imei, accepted: accepted)
            steps.append(readings: [.trackerStatus(login)], counters: &counters)
            steps.append(.reply(TeltonikaFrame.handshakeReply(accepted: accepted)))
        case .avl(let codec, let data, let crcValid):
            guard crcValid else { return counters.reject(.checksum) }
            guard !refused else { return counters.reject(.refused) }
            guard TeltonikaAVL.supports(codec) else { return counters.unknown("codec-\(codec)") }
            guard let records = TeltonikaAVL.records(data) else { return counters.reject(.malformed) }
            let fixes = records.map { r in
                DeviceReading.gpsFix(
                    GPSFix(
                        observedAt: r.observedAt, lat: r.lat, lon: r.lon, source: "teltonika-codec-\(codec)",
                        speedKmh: Double(r.speedKmh), courseDeg: Double(r.courseDeg),
                        altitudeM: Double(r.altitudeM), satellites: r.satellites, unitID: unitID, io: r.io,
                        priority: r.priority, eventIO: r.eventIO))
            }
            steps.append(readings: fixes, counters: &counters)
            steps.append(.reply(TeltonikaFrame.dataAck(records: records.count)))
        }
    }
}
