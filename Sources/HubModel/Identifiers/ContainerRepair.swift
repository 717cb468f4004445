/// Repairs of an OCR-read container number that fails ISO 6346: valid numbers one misread character
/// away, ranked by how likely that misread is.
public enum ContainerRepair {
    /// One valid number the camera may have meant.
    public struct Candidate: Sendable, Equatable {
        public var number: ContainerNumber
        /// 0-based position of the changed character in the 11-character form.
        public var position: Int
        public var read: Character
        public var meant: Character
        /// 0–100: how likely this is the right repair (higher first).
        public var score: Double

        public init(number: ContainerNumber, position: Int, read: Character, meant: Character, score: Double) {
            self.number = number
            self.position = position
            self.read = read
            self.meant = meant
            self.score = score
        }
    }

    /// Candidates for `text`, best first. With `characterConfidences` (one per character after
    /// separators are removed) a low-confidence character is the likelier misread; without them,
    /// shape confusions that cameras make most (O/0, I/1, B/8, S/5, Z/2, G/6) rank first and a
    /// recomputed check digit last.
    public static func candidates(for text: String, characterConfidences: [Double]? = nil) -> [Candidate] {
        let chars = normalizedCharacters(text)
        guard chars.count == 11, ContainerNumber(text) == nil else { return [] }
        let confidences = characterConfidences?.count == 11 ? characterConfidences : nil
        var out: [Candidate] = []
        for n in ContainerNumber.candidates(for: text) {
            let fixed = Array(n.value)
            guard let i = (0..<11).first(where: { fixed[$0] != chars[$0] }) else { continue }
            let score: Double
            if let c = confidences {
                score = max(0, min(100, 100 - c[i]))
            } else {
                score = prior(read: chars[i], meant: fixed[i], position: i)
            }
            out.append(Candidate(number: n, position: i, read: chars[i], meant: fixed[i], score: score))
        }
        // Stable: equal scores keep the order of position.
        return out.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.map(\.element)
    }

    /// The repair to trust: the only candidate, or one that scores above all others.
    public static func best(_ candidates: [Candidate]) -> Candidate? {
        guard let first = candidates.first else { return nil }
        if candidates.count == 1 || first.score > candidates[1].score { return first }
        return nil
    }

    static func normalizedCharacters(_ text: String) -> [Character] {
        text.uppercased().filter { !" \t-./".contains($0) }.map { $0 }
    }

    private static let shapeTwins: Set<String> = ["O0", "0O", "I1", "1I", "B8", "8B", "S5", "5S", "Z2", "2Z", "G6", "6G"]

    /// How often a camera reads `meant` as `read`, as a 0–100 prior.
    private static func prior(read: Character, meant: Character, position: Int) -> Double {
        // A wrong check digit with nothing else to suggest it is the weakest repair.
        if position == 10, !shapeTwins.contains("\(read)\(meant)") { return 20 }
        if shapeTwins.contains("\(read)\(meant)") {
            // A letter where the layout wants a digit (or the reverse) is a near-certain misread.
            let wantsLetter = position < 4
            return meant.isLetter == wantsLetter ? 90 : 60
        }
        return 40
    }
}
