import Foundation
import HubModel

/// The gate OCR/LPR line protocol: one read per line, ASCII, comma-separated, CR LF terminated.
///
/// ```
/// OCR,<lane>,<time>,<kind>,<text>,<confidence>[,<position>[,<char confidences>]][*<checksum>]\r\n
/// OCR,3,2026-01-31T08:15:02.120Z,CONTAINER,CSQU3054383,97,rear,99;98;99;97;96;99;99;98;97;99;91*3D
/// OCR,3,2026-01-31T08:15:01Z,PLATE,51C-123.45,88,front
/// ```
///
/// - `lane`: the lane the camera controller names (letters, digits, `-`, `_`, `.`; at most 32).
/// - `time`: RFC 3339 (`Z` or an offset); without a zone it is the device's local time (the site's
///   `utcOffsetMinutes`); empty when the camera has no clock, then the hub's time is used.
/// - `kind`: `CONTAINER` (an ISO 6346 number) or `PLATE` (a licence plate).
/// - `text`: as read, any printable characters but `,` and `*` (spaces, dashes and dots allowed).
/// - `confidence`: the camera's confidence in the whole read, 0–100 (decimals allowed).
/// - `position` (optional): which camera or where on the vehicle: `front`, `rear`, `left`, `right`,
///   `top`, or the vendor's word; may be empty when per-character confidences follow.
/// - `char confidences` (optional): `;`-separated 0–100 values, one per character of `text` without
///   separators; they rank the repairs of a number that fails its check digit.
/// - `*hh` (optional): two hex digits, the XOR of every byte before the `*`, for serial links.
///   A line that has one must match it.
public struct OCRLine: Sendable, Equatable {
    /// What the line says.
    public var reading: OCRReading

    /// Why a line was not a read.
    public enum Problem: Error, Equatable, Sendable {
        /// Not this protocol (no `OCR,` start, not ASCII text).
        case garbage
        /// The right shape but a field that does not parse.
        case malformed(String)
        /// A kind this hub does not know (kept and counted, like an unknown code).
        case unknownKind(String)
        case checksum
    }

    /// Parses a line without its terminator.
    public static func parse(_ content: ArraySlice<UInt8>, utcOffsetSeconds: Int = 0) -> Result<OCRLine, Problem> {
        guard content.starts(with: Array("OCR,".utf8)), content.allSatisfy({ $0 >= 32 && $0 < 127 }) else {
            return .failure(.garbage)
        }
        var body = content
        if let star = content.lastIndex(of: 42) {
            let digits = content[(star + 1)...]
            guard digits.count == 2, let sum = UInt8(String(decoding: digits, as: UTF8.self), radix: 16) else {
                return .failure(.malformed("checksum"))
            }
            guard content[..<star].reduce(0, ^) == sum else { return .failure(.checksum) }
            body = content[..<star]
        }
        let fields = String(decoding: body, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
            .map(String.init)
        guard fields.count >= 6, fields.count <= 8 else { return .failure(.malformed("field count \(fields.count)")) }
        let lane = fields[1].trimmingCharacters(in: .whitespaces)
        guard !lane.isEmpty, lane.count <= 32,
            lane.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) })
        else { return .failure(.malformed("lane")) }
        var observedAt: Date?
        let timeText = fields[2].trimmingCharacters(in: .whitespaces)
        if !timeText.isEmpty {
            guard let t = parseTime(timeText, utcOffsetSeconds: utcOffsetSeconds) else {
                return .failure(.malformed("time"))
            }
            observedAt = t
        }
        let kindText = fields[3].trimmingCharacters(in: .whitespaces)
        guard let kind = OCRReading.Kind(rawValue: kindText.uppercased()) else {
            return .failure(.unknownKind(String(kindText.prefix(16))))
        }
        let text = fields[4].trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= 64 else { return .failure(.malformed("text")) }
        guard let confidence = Double(fields[5].trimmingCharacters(in: .whitespaces)), (0...100).contains(confidence)
        else { return .failure(.malformed("confidence")) }
        var position: String?
        if fields.count > 6 {
            let p = fields[6].trimmingCharacters(in: .whitespaces)
            guard p.count <= 32 else { return .failure(.malformed("position")) }
            position = p.isEmpty ? nil : p.lowercased()
        }
        var characterConfidences: [Double]?
        if fields.count > 7, !fields[7].isEmpty {
            let parts = fields[7].split(separator: ";", omittingEmptySubsequences: false)
            let values = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == parts.count, values.count <= 64, values.allSatisfy({ (0...100).contains($0) }) else {
                return .failure(.malformed("character confidences"))
            }
            characterConfidences = values
        }
        return .success(
            OCRLine(
                reading: OCRReading(
                    lane: lane, observedAt: observedAt, kind: kind, text: text, confidence: confidence,
                    position: position, characterConfidences: characterConfidences)))
    }

    /// The line as a camera sends it, with a checksum when `checksum` is set.
    public static func encode(_ r: OCRReading, checksum: Bool = true) -> [UInt8] {
        var fields = [
            "OCR", r.lane, r.observedAt.map(Timestamp.format) ?? "", r.kind.rawValue, r.text, number(r.confidence),
        ]
        if r.position != nil || r.characterConfidences != nil { fields.append(r.position ?? "") }
        if let c = r.characterConfidences { fields.append(c.map(number).joined(separator: ";")) }
        var bytes = Array(fields.joined(separator: ",").utf8)
        if checksum {
            let sum = bytes.reduce(0, ^)
            let hex = Array("0123456789ABCDEF".utf8)
            bytes += [42, hex[Int(sum >> 4)], hex[Int(sum & 15)]]
        }
        return bytes + [13, 10]
    }

    private static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    private static func parseTime(_ text: String, utcOffsetSeconds: Int) -> Date? {
        if let t = Timestamp.parse(text) { return t }
        // Local time without a zone: the device's clock.
        guard let t = Timestamp.parse(text + "Z") else { return nil }
        return t.addingTimeInterval(-Double(utcOffsetSeconds))
    }
}
