import Foundation
import HubTesting
import Testing

/// What the corpus file itself says of one occupancy, read here with nothing but string splitting
/// (not the hub's parser): each scan line's counts over its sample length, the alarm lines, and the
/// last gamma background line before the vehicle.
enum CountRateCorpus {
    static let file = "rpm/S2-C3-NORM2.csv"

    struct Occupancy {
        var gamma: [(cps: [Double], alarm: Bool)] = []
        var neutron: [(cps: [Double], alarm: Bool)] = []
        var background: [Double]?
    }

    /// The occupancy whose GX is line `end` (0-based, as `RapiscanFeed.deviceLines` numbers them).
    static func occupancy(endingAt end: Int, gammaS: Double = 0.2, neutronS: Double = 1.0) throws -> Occupancy {
        let rows = String(decoding: try Corpus.bytes(file), as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
        let start = (rows[..<end].lastIndex { $0.first == "GX" } ?? -1) + 1
        var out = Occupancy()
        var inside = false
        for row in rows[start..<end] {
            // Four detectors; the fifth field is the recorder's timestamp.
            let counts = row.dropFirst().prefix(4).compactMap { Int($0) }.map(Double.init)
            switch row.first ?? "" {
            case "GB" where !inside: out.background = counts
            case "GS", "GA":
                inside = true
                out.gamma.append((cps: counts.map { rounded($0 / gammaS) }, alarm: row.first == "GA"))
            case "NS", "NA":
                inside = true
                out.neutron.append((cps: counts.map { rounded($0 / neutronS) }, alarm: row.first == "NA"))
            default: break
            }
        }
        return out
    }

    static func rounded(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

    static func doubles(_ any: Any?) -> [Double]? {
        (any as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue }
    }

    /// The API's series (`GET /api/v1/events/{id}/count-rates`) holds exactly the corpus's samples.
    static func expectSeries(_ json: [String: Any], matchesCorpusOccupancyEndingAtLine end: Int) throws {
        let expected = try occupancy(endingAt: end)
        #expect(expected.gamma.count > 20 && expected.gamma.contains { $0.alarm }, "the corpus occupancy has gamma alarm lines")
        for (name, want, interval) in [("gamma", expected.gamma, 0.2), ("neutron", expected.neutron, 1.0)] {
            let got = json[name] as? [[String: Any]] ?? []
            #expect(got.count == want.count, "\(name): \(got.count) samples, the corpus has \(want.count)")
            for (i, (g, w)) in zip(got, want).enumerated() {
                #expect(doubles(g["detectorsCps"]) == w.cps, "\(name) sample \(i)")
                #expect(g["alarm"] as? Bool == w.alarm, "\(name) sample \(i) alarm")
                #expect((g["offsetS"] as? NSNumber)?.doubleValue == rounded(Double(i) * interval), "\(name) sample \(i) offset")
            }
        }
        let background = json["background"] as? [String: Any] ?? [:]
        #expect(doubles(background["gammaDetectorsCps"]) == expected.background)
        #expect((background["gammaCps"] as? NSNumber)?.doubleValue == expected.background?.reduce(0, +))
        #expect(json["timing"] as? String == "sample-interval")
        #expect(json["complete"] as? Bool == true)
    }
}
