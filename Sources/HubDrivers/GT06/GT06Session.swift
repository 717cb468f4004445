import Foundation
import HubModel

/// One GT06 connection's state: which unit logged in, the verdict on it, and its last lock state.
struct GT06Session: FrameDecoder {
    var options: DriverOptions
    /// The IMEI of the login on this connection.
    private var unitID: String?
    private var verdict = UnitVerdict.admitted
    /// The armed ("defence") bit last reported; for e-seals it is the lock.
    private var armed: Bool?

    init(options: DriverOptions) { self.options = options }

    var unit: UnitLogin? { unitID.map { UnitLogin(id: $0, verdict: verdict) } }

    static func cut(_ bytes: ArraySlice<UInt8>) -> FrameCut { GT06Frame.cut(bytes) }

    mutating func decode(_ bytes: ArraySlice<UInt8>, counters: inout DecodeCounters, into steps: inout [DriverStep]) {
        guard let frame = GT06Frame(bytes) else { return counters.reject(.checksum) }
        guard verdict != .refused else { return counters.reject(.refused) }
        guard unitID != nil || frame.protocolNumber == 0x01 || options.admitsUnnamedUnits else {
            return counters.reject(.refused)
        }
        decode(frame, counters: &counters, into: &steps)
    }

    private mutating func decode(_ frame: GT06Frame, counters: inout DecodeCounters, into steps: inout [DriverStep]) {
        var readings: [DeviceReading] = []
        var ack = false
        switch frame.protocolNumber {
        case 0x01:
            guard let imei = GT06Packets.imei(frame.content) else { return counters.reject(.malformed) }
            verdict = options.admission(of: imei)
            unitID = imei
            ack = verdict != .refused
            readings.append(
                .trackerStatus(TrackerStatus(observedAt: nil, event: .login, unitID: imei, accepted: verdict == .admitted)))
        case 0x10, 0x11, 0x12, 0x22:
            guard let gps = GT06Packets.gps(frame.content, utcOffsetSeconds: options.utcOffsetSeconds) else {
                return counters.reject(.malformed)
            }
            if let fix = fix(gps, frame) { readings.append(.gpsFix(fix)) }
        case 0x13:
            guard let state = GT06Packets.terminalState(frame.content) else { return counters.reject(.malformed) }
            ack = true
            readings.append(.trackerStatus(status(state, event: .heartbeat, alarm: nil)))
            readings += lockChange(state, gps: nil)
        case 0x16, 0x26:
            guard let gps = GT06Packets.gps(frame.content, utcOffsetSeconds: options.utcOffsetSeconds),
                let state = GT06Packets.alarmState(frame.content)
            else { return counters.reject(.malformed) }
            ack = true
            if let fix = fix(gps, frame) { readings.append(.gpsFix(fix)) }
            readings += alarm(state, gps: gps)
            readings += lockChange(state, gps: gps)
        case 0x15, 0x21:
            // The answer to a server command (0x80): handed to the command's sender, archived, not acked.
            guard let answer = GT06Commands.answer(protocolNumber: frame.protocolNumber, content: frame.content) else {
                return counters.reject(.malformed)
            }
            steps.append(.answer(answer))
        default:
            counters.unknown("0x" + Hex.encode([frame.protocolNumber]))
        }
        // A quarantined unit is answered like any other, so it keeps talking, but what it says stays raw.
        if verdict == .quarantined {
            counters.reject(.quarantined)
        } else {
            steps.append(readings: readings, counters: &counters)
        }
        if ack { steps.append(.reply(GT06Frame.ack(protocolNumber: frame.protocolNumber, serial: frame.serial))) }
    }

    private func fix(_ gps: GT06Packets.GPSBlock, _ frame: GT06Frame) -> GPSFix? {
        // Without bit 12 the unit repeats its last known position; that is not a fix.
        guard gps.positioned else { return nil }
        return GPSFix(
            observedAt: gps.observedAt, lat: gps.lat, lon: gps.lon, source: "gt06-0x" + Hex.encode([frame.protocolNumber]),
            speedKmh: gps.speedKmh, courseDeg: gps.courseDeg, satellites: gps.satellites, unitID: unitID)
    }

    private func status(_ s: GT06Packets.TerminalState, event: TrackerStatus.Event, alarm: String?, at: Date? = nil)
        -> TrackerStatus
    {
        TrackerStatus(
            observedAt: at, event: event, unitID: unitID, alarm: alarm, batteryLevel: s.voltageLevel,
            gsmSignal: s.gsmSignal, charging: s.charging, ignition: s.ignition, armed: s.armed)
    }

    private func alarm(_ s: GT06Packets.TerminalState, gps: GT06Packets.GPSBlock) -> [DeviceReading] {
        var meaning = GT06Packets.alarm(code: s.alarm)
        var word = "gt06-alarm-0x" + Hex.encode([s.alarm])
        if meaning == .none {
            meaning = GT06Packets.alarm(infoBits: s.infoAlarm)
            word = "gt06-info-alarm-\(s.infoAlarm)"
        }
        switch meaning {
        case .none: return []
        case .tracker(let name): return [.trackerStatus(status(s, event: .alarm, alarm: name, at: gps.observedAt))]
        case .seal(let seal): return [.sealStatus(sealStatus(seal, word, gps: gps))]
        }
    }

    /// A change of the armed bit (and its first report on a connection) is a lock or unlock.
    private mutating func lockChange(_ s: GT06Packets.TerminalState, gps: GT06Packets.GPSBlock?) -> [DeviceReading] {
        guard armed != s.armed else { return [] }
        armed = s.armed
        return [.sealStatus(sealStatus(s.armed ? .locked : .unlocked, "gt06-armed-\(s.armed ? 1 : 0)", gps: gps))]
    }

    private func sealStatus(_ status: SealStatus.Status, _ word: String, gps: GT06Packets.GPSBlock?) -> SealStatus {
        // A GT06 e-seal is its own seal: the IMEI is the seal's number.
        let valid = gps?.positioned == true
        return SealStatus(
            observedAt: gps?.observedAt, status: status, deviceEvent: word, sealID: unitID, unitID: unitID,
            lat: valid ? gps?.lat : nil, lon: valid ? gps?.lon : nil)
    }
}
