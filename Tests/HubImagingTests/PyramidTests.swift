import Testing

@testable import HubImaging

/// The tile pyramid the viewer reads: levels halve with rounded 2 × 2 means, edges average what is
/// there, tiles cut exactly, and the suggested window comes from the histogram's 0.5 % and 99.5 %.
@Suite struct PyramidTests {
    /// 5 × 3 samples, each its own value: v = 1000 × y + 10 × x.
    static let small = ScanImage(width: 5, height: 3, bitsPerSample: 16, samples: (0..<3).flatMap { y in (0..<5).map { x in UInt16(1000 * y + 10 * x) } })

    @Test func eachLevelIsTheRoundedMeanOfTheBlockBelowAndOddEdgesAverageWhatIsThere() {
        let p = ImagePyramid(Self.small, tileSize: 2)
        #expect(p.levels.map { [$0.width, $0.height, $0.columns, $0.rows] } == [[5, 3, 3, 2], [3, 2, 2, 1], [2, 1, 1, 1]])
        // Level 1: (0,0) = mean(0, 10, 1000, 1010) = 505; (2,0) = mean(40, 1040) = 540 (the odd column);
        // (0,1) = mean(2000, 2010) = 2005 (the odd row); (2,1) = 2040 alone.
        #expect(p.tile(level: 1, column: 0, row: 0)?.samples == [505, 525, 2005, 2025])
        #expect(p.tile(level: 1, column: 1, row: 0).map { [$0.width, $0.height] } == [1, 2])
        #expect(p.tile(level: 1, column: 1, row: 0)?.samples == [540, 2040])
        // Level 2: (0,0) = mean(505, 525, 2005, 2025) = 1265; (1,0) = mean(540, 2040) = 1290.
        #expect(p.tile(level: 2, column: 0, row: 0)?.samples == [1265, 1290])
    }

    @Test func tilesCutLevelZeroExactlyWithSmallerTilesAtTheEdges() {
        let p = ImagePyramid(Self.small, tileSize: 2)
        #expect(p.tile(level: 0, column: 0, row: 0)?.samples == [0, 10, 1000, 1010])
        let corner = p.tile(level: 0, column: 2, row: 1)
        #expect(corner?.width == 1 && corner?.height == 1 && corner?.samples == [2040])
        #expect(p.tile(level: 0, column: 3, row: 0) == nil && p.tile(level: 3, column: 0, row: 0) == nil)
        // Little-endian bytes: 1010 = 0x03F2.
        #expect(p.tileBytes(level: 0, column: 0, row: 0)?.bytes == [0, 0, 10, 0, 0xE8, 0x03, 0xF2, 0x03])
    }

    @Test func sixteenBitExtremesSurviveTheMeans() {
        let image = ScanImage(width: 2, height: 2, bitsPerSample: 16, samples: [65535, 65535, 65535, 0])
        let p = ImagePyramid(image, tileSize: 1)
        // (3 × 65535 + 0) / 4 = 49151.25 → 49151.
        #expect(p.tile(level: 1, column: 0, row: 0)?.samples == [49151])
        #expect(p.minimum == 0 && p.maximum == 65535)
    }

    @Test func theSuggestedWindowSpansTheMiddleNinetyNinePercent() {
        // 1,000 samples: 4 dark outliers at 0, 992 from 10,000 to 10,991, 4 bright at 65,535.
        var s = [UInt16](repeating: 0, count: 4) + (0..<992).map { UInt16(10_000 + $0) }
        s += [UInt16](repeating: 65535, count: 4)
        let p = ImagePyramid(ScanImage(width: 1000, height: 1, bitsPerSample: 16, samples: s))
        // 0.5 % of 1,000 is the 5th sample (10,000); 99.5 % the 995th (10,990).
        #expect(p.window.center == 10_495 && p.window.width == 990)
        #expect(p.levels.count == 3 && p.levels.last?.width == 250)
    }
}
