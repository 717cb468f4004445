import Foundation
import HubModel

/// One Teltonika connection's state: the unit named by its handshake, and the verdict on it.
struct TeltonikaSession: FrameDecoder {
    var options: DriverOptions
    private var unitID: String?
    private var verdict = UnitVerdict.admitted

    init(options: DriverOptions) { self.options = options }

    var unit: UnitLogin? { unitID.map { UnitLogin(id: $0, verdict: verdict) } }

    static func cut(_ bytes: ArraySlice<UInt8>) -> FrameCut { TeltonikaFrame.cut(bytes) }

    mutating func decode(_ bytes: ArraySlice<UInt8>, counters: inout DecodeCounters, into steps: inout [DriverStep]) {
        switch TeltonikaFrame(bytes) {
        case .imei(let imei):
            verdict = options.admission(of: imei)
            unitID = imei
            if verdict == .quarantined {
                counters.reject(.quarantined)
            } else {
                let login = TrackerStatus(observedAt: nil, event: .login, unitID: imei, accepted: verdict == .admitted)
                steps.append(readings: [.trackerStatus(login)], counters: &counters)
            }
            steps.append(.reply(TeltonikaFrame.handshakeReply(accepted: verdict != .refused)))
        case .avl(let codec, let data, let crcValid):
            guard crcValid else { return counters.reject(.checksum) }
            guard verdict != .refused, unitID != nil || options.admitsUnnamedUnits else {
                return counters.reject(.refused)
            }
            if codec == TeltonikaCommands.codec12, let answer = TeltonikaCommands.answer(data) {
                // A response to the hub's command: handed to its sender, archived, not acknowledged.
                return steps.append(.answer(answer))
            }
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
            if verdict == .quarantined {
                counters.reject(.quarantined)
            } else {
                steps.append(readings: fixes, counters: &counters)
            }
            steps.append(.reply(TeltonikaFrame.dataAck(records: records.count)))
        }
    }
}
