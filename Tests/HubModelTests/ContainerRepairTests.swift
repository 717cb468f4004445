import HubModel
import Testing

struct ContainerRepairTests {
    @Test func aLetterORepairedToZero() throws {
        let c = ContainerRepair.candidates(for: "CSQU3O54383")
        let best = try #require(ContainerRepair.best(c))
        #expect(best.number.value == "CSQU3054383")
        #expect(best.position == 5 && best.read == "O" && best.meant == "0")
    }

    @Test func aValidNumberNeedsNoRepair() {
        #expect(ContainerRepair.candidates(for: "CSQU3054383").isEmpty)
        #expect(ContainerRepair.candidates(for: "CSQU305438").isEmpty, "wrong length: nothing to repair")
    }

    @Test func characterConfidencesDecideBetweenRepairs() throws {
        // A wrong check digit: any one character may be the misread one.
        let text = "CSQU3054386"
        let all = ContainerRepair.candidates(for: text)
        #expect(all.count > 1)
        let checkDigitRead = all.first { $0.position == 10 }
        #expect(checkDigitRead != nil)
        // The camera was least sure of the check digit: that repair ranks first.
        var confidences = [Double](repeating: 99, count: 11)
        confidences[10] = 40
        let ranked = ContainerRepair.candidates(for: text, characterConfidences: confidences)
        #expect(ranked.first?.position == 10)
        #expect(ranked.first?.number.value == "CSQU3054383")
        #expect(ContainerRepair.best(ranked)?.score == 60)
    }

    @Test func ambiguousRepairsAreNotTrusted() {
        let twins = [
            ContainerRepair.Candidate(number: ContainerNumber("CSQU3054383")!, position: 1, read: "X", meant: "S", score: 50),
            ContainerRepair.Candidate(number: ContainerNumber("MSCU1234566")!, position: 2, read: "X", meant: "C", score: 50),
        ]
        #expect(ContainerRepair.best(twins) == nil)
        #expect(ContainerRepair.best([]) == nil)
    }

    @Test func platesAreNormalized() {
        #expect(Plate.normalize("51c-123.45") == "51C12345")
        #expect(Plate.normalize(" đ 29A · 999 ") == "Đ29A999")
        #expect(Plate.normalize("--") == nil)
    }
}
