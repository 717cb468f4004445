import Foundation
import HubModel
import HubTesting
import Testing

struct ContainerNumberTests {
    struct Row: Decodable {
        var input: String
        var valid: Bool
        var normalized: String?
        var reason: String?
    }

    @Test("every verdict of the ISO 6346 corpus")
    func corpusVerdicts() throws {
        let text = String(decoding: try Corpus.bytes("containers/iso6346.jsonl"), as: UTF8.self)
        let rows = try text.split(separator: "\n").map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
        #expect(rows.count == 617)
        for row in rows {
            switch ContainerNumber.parse(row.input) {
            case .success(let n):
                #expect(row.valid, "\(row.input) accepted")
                #expect(n.value == row.normalized)
            case .failure(let problem):
                #expect(!row.valid, "\(row.input) refused: \(problem)")
                #expect(problem.rawValue == row.reason, "\(row.input)")
            }
        }
    }

    @Test func checkDigitOfTenBecomesZero() {
        // ISO 6346: a remainder of 10 is written as 0. HLXU2008419 is a published example of it.
        #expect(ContainerNumber.checkDigit(Array("HLXU200841".utf8)) == 9)
        var tens = 0
        for serial in 0..<2000 {
            let head = "ABCU" + String(format: "%06d", serial)
            let sum = ContainerNumber.checkDigit(Array(head.utf8))!
            #expect(sum <= 9)
            if ContainerNumber(head + String(sum)) != nil { tens += 1 }
        }
        #expect(tens == 2000)
    }

    @Test func normalizesWhatPeopleWrite() {
        #expect(ContainerNumber(" csqu-305438.3 ")?.value == "CSQU3054383")
        #expect(ContainerNumber("CSQU 305438 3")?.value == "CSQU3054383")
        #expect(ContainerNumber("CSQU3054384") == nil)
    }

    @Test func candidatesRepairCommonMisreads() {
        // 5 read for S in the owner code, O for 0 in the serial, a wrong check digit.
        #expect(ContainerNumber.candidates(for: "C5QU3054383").map(\.value).contains("CSQU3054383"))
        #expect(ContainerNumber.candidates(for: "CSQU3O54383").map(\.value).contains("CSQU3054383"))
        #expect(ContainerNumber.candidates(for: "CSQU3054384").first?.value == "CSQU3054383")
        #expect(ContainerNumber.candidates(for: "CSQU305438").isEmpty)
    }
}
