import Foundation

/// The tracker frame corpora (`tracker/*.jsonl`): one published hex frame per line, whether its CRC is
/// right, and the values an independent decode found where the layout is certain.
public enum TrackerCorpus {
    public struct Row: Sendable, Decodable {
        public var hex: String
        public var crcValid: Bool
        public var imei: String?
        /// GT06: the one position of the frame, in the unit's local time (`2023-03-22T05:59:59`).
        public var time: String?
        public var lat: Double?
        public var lon: Double?
        public var speedKmh: Double?
        public var course: Double?
        public var satellites: Int?
        /// Teltonika: the records of a data packet.
        public var records: [Record]?

        /// The frame's bytes.
        public var bytes: [UInt8] {
            var out: [UInt8] = []
            var it = hex.utf8.makeIterator()
            while let h = it.next(), let l = it.next() {
                out.append(UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) ?? 0)
            }
            return out
        }
    }

    public struct Record: Sendable, Decodable {
        public var time: String
        public var lat: Double
        public var lon: Double
        public var altitude: Int
        public var course: Int
        public var satellites: Int
        public var speedKmh: Int
        public var io: [String: UInt64]
    }

    /// The rows of a corpus file, e.g. `tracker/gt06-frames.jsonl`.
    public static func rows(_ file: String) throws -> [Row] {
        let decoder = JSONDecoder()
        return try String(decoding: Corpus.bytes(file), as: UTF8.self).split(separator: "\n").map {
            try decoder.decode(Row.self, from: Data($0.utf8))
        }
    }
}
