import Foundation

/// ASCII e-seal reports as a seal sends them, for simulators and tests (the same text
/// `ESealMessage` parses).
public enum ESealEncoder {
    /// `##S,eSeal,<id>,<seq>,<event>,<time>,<lat>,<lon>,<battery>,E##` and CR LF; `time` is
    /// `YYYYMMDDhhmmss`, coordinates signed decimal degrees (empty without a fix).
    public static func report(
        id: String, sequence: Int, event: String, time: String, lat: String = "", lon: String = "", battery: String = ""
    ) -> [UInt8] {
        ESealMessage.report(id: id, sequence: sequence, event: event, time: time, lat: lat, lon: lon, battery: battery)
    }

    /// The ack the hub sends for report `id`/`sequence`.
    public static func ack(id: String, sequence: Int) -> [UInt8] { ESealMessage.ack(id: id, sequence: sequence) }

    /// The acks a seal reads back: `##A,eSeal,<id>,<seq>,E##`, as `(id, seq)`.
    public static func acks(in text: String) -> [(id: String, sequence: Int)] {
        text.components(separatedBy: "##A,eSeal,").dropFirst().compactMap { rest in
            let f = rest.split(separator: ",", maxSplits: 2)
            guard f.count >= 2, let seq = Int(f[1]) else { return nil }
            return (String(f[0]), seq)
        }
    }
}
