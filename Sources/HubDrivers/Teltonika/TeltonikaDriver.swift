import Foundation
import HubModel

/// Teltonika trackers (FMB/FMC/FMM series) over TCP: an IMEI handshake, then AVL data packets in codec
/// 8, 8 Extended or 16. The handshake is answered `01` (accepted) or `00` (not on the allowlist); each
/// data packet whose CRC matches is acknowledged with its record count. Times are UTC.
///
/// Captures often hold data packets without the handshake; they are still decoded, for an unnamed unit.
/// A packet with a bad CRC is counted as `checksum`, gives no position and is not acknowledged, so the
/// unit sends it again. Other codecs (12/13/14 commands) are counted by codec and archived.
public struct TeltonikaDriver: DeviceDriver {
    public let rawFormat = "teltonika-tcp"
    public private(set) var counters = DecodeCounters()

    /// A full codec 8E packet from an FMB unit stays under this; a profile may allow more, not less.
    public static let minimumFrameLimit = 4096

    private let options: DriverOptions
    private var framer: StreamFramer
    private var unitID: String?
    private var refused = false

    public init(options: DriverOptions = DriverOptions()) {
        self.options = options
        framer = StreamFramer(maxFrameBytes: max(options.maxFrameBytes, Self.minimumFrameLimit))
    }

    public mutating func push(_ bytes: ArraySlice<UInt8>, receivedAt: Date, into steps: inout [DriverStep]) {
        counters.bytes += bytes.count
        var framer = self.framer
        framer.push(bytes, cut: TeltonikaFrame.cut) { handle($0, into: &steps) }
        self.framer = framer
    }

    public mutating func finish(receivedAt: Date, into steps: inout [DriverStep]) {
        var framer = self.framer
        framer.finish(cut: TeltonikaFrame.cut) { handle($0, into: &steps) }
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
}
