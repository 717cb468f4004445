import Foundation
import HubModel

/// An ANSI N42.42 document (2006 or 2012) read into measurements and alarms.
public struct N42Document: Sendable, Equatable {
    public typealias Reading = RadiationInstrumentReading

    /// Which edition the document follows.
    public var standard: Reading.Standard
    public var measurements: [Reading.Measurement]
    public var alarms: [Reading.Alarm]
    /// What had to be accepted to read the document at all (also copied into every measurement).
    public var warnings: [String]

    /// Why bytes are not an N42 document the hub can read.
    public enum Problem: Error, Equatable, Sendable {
        /// Not XML, or XML broken before any measurement could be read.
        case notWellFormed(String)
        /// Well-formed XML with another root element.
        case notN42(root: String)
    }

    /// Namespaces of the two editions; documents without a namespace are read by root name alone.
    public static let namespace2012 = "http://physics.nist.gov/N42/2011/N42"
    public static let namespace2006 = "http://physics.nist.gov/Divisions/Div846/Gp4/ANSIN4242/2005/ANSIN4242"

    /// Reads a whole document, in one pass. Times without a zone are taken as `utcOffsetSeconds` east of UTC.
    ///
    /// Real instruments write imperfect XML: undeclared namespace prefixes and other namespace
    /// errors are read past, and a document that breaks off keeps the measurements that closed
    /// before the break (`N42XMLReader`). Each repair is named in `warnings`.
    public static func decode(_ bytes: [UInt8], utcOffsetSeconds: Int = 0) -> Result<N42Document, Problem> {
        var warnings: [String] = []
        var bytes = bytes
        // libxml2 stops at the first byte that is not UTF-8, so broken bytes are replaced (U+FFFD)
        // and the rest of the document is still read.
        if Self.isUTF8Document(bytes), String(validating: bytes, as: UTF8.self) == nil {
            bytes = Array(String(decoding: bytes, as: UTF8.self).utf8)
            warnings.append("invalid UTF-8 replaced")
        }
        let outcome = N42XMLReader.read(bytes)
        warnings += outcome.warnings
        if let error = outcome.error, outcome.root != nil {
            warnings.append("not well-formed XML (\(error)); read what came before")
        }
        guard let root = outcome.root else { return .failure(.notWellFormed(outcome.error ?? "no root element")) }
        var doc: N42Document
        let common = N42Common(utcOffsetSeconds: utcOffsetSeconds)
        switch root.name {
        case "RadInstrumentData": doc = N42Reader2012(parts: outcome.parts, common: common).read()
        case "N42InstrumentData": doc = N42Reader2006(parts: outcome.parts, common: common).read()
        default: return .failure(.notN42(root: root.name))
        }
        if outcome.error != nil, doc.measurements.isEmpty {
            return .failure(.notWellFormed(outcome.error ?? ""))
        }
        doc.warnings = warnings + doc.warnings
        if !doc.warnings.isEmpty {
            for i in doc.measurements.indices { doc.measurements[i].warnings = doc.warnings + doc.measurements[i].warnings }
        }
        for i in doc.measurements.indices {
            doc.measurements[i].index = i + 1
            doc.measurements[i].count = doc.measurements.count
        }
        return .success(doc)
    }
}

extension N42Document {
    /// True unless the document says it is in another encoding (a UTF-16 byte order mark, or an
    /// `encoding` other than UTF-8 in its XML declaration): then libxml2 converts it itself.
    static func isUTF8Document(_ bytes: [UInt8]) -> Bool {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return false }
        guard bytes.starts(with: Array("<?xml".utf8)), let end = bytes.prefix(256).firstIndex(of: 62) else { return true }
        let declaration = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        guard let range = declaration.range(of: "encoding") else { return true }
        let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
        return rest.hasPrefix("utf-8") || rest.hasPrefix("utf8")
    }
}

/// Shared by both editions: times with their warnings, channel data, instruments.
struct N42Common {
    let utcOffsetSeconds: Int

    func time(_ text: String?, _ what: String, warnings: inout [String]) -> Date? {
        guard let text else { return nil }
        guard let (date, bent) = N42Values.dateTime(text, utcOffsetSeconds: utcOffsetSeconds) else {
            warnings.append("\(what) '\(text.prefix(40))' is not a time")
            return nil
        }
        if let bent { warnings.append("\(what) '\(text)': \(bent)") }
        return date
    }

    func duration(_ text: String?, _ what: String, warnings: inout [String]) -> Double? {
        guard let text else { return nil }
        guard let v = N42Values.duration(text) else {
            warnings.append("\(what) '\(text.prefix(40))' is not a duration")
            return nil
        }
        return v
    }

    /// Channel counts of a `ChannelData` element, CountedZeroes expanded when its attribute says so.
    func channels(_ e: N42Element, warnings: inout [String]) -> [Double]? {
        guard let values = N42Values.numbers(e.text) else {
            warnings.append("channel data that are not numbers")
            return nil
        }
        let compression = e.attribute("compressionCode") ?? e.attribute("Compression") ?? ""
        guard compression.caseInsensitiveCompare("CountedZeroes") == .orderedSame else { return values }
        guard let expanded = N42Values.expandCountedZeroes(values) else {
            warnings.append("CountedZeroes data that do not expand")
            return nil
        }
        return expanded
    }

    /// A note when a spectrum's live time exceeds the real time it was taken in.
    func checkTimes(live: Double?, real: Double?, warnings: inout [String]) {
        if let live, let real, live > real * 1.001 + 1e-6 {
            warnings.append("live time \(live) s exceeds real time \(real) s")
        }
    }
}
