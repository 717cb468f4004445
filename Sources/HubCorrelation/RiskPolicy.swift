/// Weights and thresholds of the risk assessment, from a YAML policy (`config/risk-policy.yaml`).
/// Every field has a default, so a policy names only what it changes.
public struct RiskPolicy: Sendable, Equatable, Decodable {
    /// Points each signal adds to the score.
    public var weights: [String: Double] = RiskPolicy.defaultWeights
    /// Points added (or, negative, taken) for the trader: `aeo`, `complianceHigh`, `complianceMedium`, `complianceLow`.
    public var modifiers: [String: Double] = ["aeo": -15, "complianceHigh": -10, "complianceMedium": 0, "complianceLow": 10]
    /// Scores at and above which the hub recommends yellow and red.
    public var yellowFrom: Double = 30
    public var redFrom: Double = 60
    /// Whether a partner administration's verified clearance (`partnerCleared`) may lower a declared
    /// yellow channel to green — only for an AEO trader, only when the score stays below yellow, and
    /// never with a radiation alarm or a suspect or inspection scan verdict. Off unless a policy says so.
    public var partnerClearanceLowersYellow = false

    public static let defaultWeights: [String: Double] = [
        "radiationAlarm": 60, "scanSuspect": 45, "undeclaredContainer": 35, "missingContainer": 20,
        "sealMismatch": 30, "plateMismatch": 10, "transitDeviation": 30, "transitSealOpened": 50,
        "transitOverdue": 15, "transitStop": 10, "transitSignalLost": 10, "tamperDuringPassage": 40,
        // Analysts' final image verdicts: suspect or physical inspection makes the declaration red
        // whatever the trader's standing; a clear explains why the scanner's detection no longer counts.
        "imageSuspect": 100, "imageInspect": 100, "imageClear": 0,
        // A partner administration inspected and cleared it (a verified package): no points by
        // default; it explains, and with `partnerClearanceLowersYellow` may lower yellow for an AEO.
        "partnerCleared": 0,
    ]

    public init() {}

    enum CodingKeys: String, CodingKey { case weights, modifiers, yellowFrom, redFrom, partnerClearanceLowersYellow }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let w = try c.decodeIfPresent([String: Double].self, forKey: .weights) ?? [:]
        for key in w.keys where Self.defaultWeights[key] == nil {
            throw DecodingError.dataCorrupted(.init(
                codingPath: c.codingPath + [CodingKeys.weights],
                debugDescription: "unknown signal '\(key)'; expected one of: \(Self.defaultWeights.keys.sorted().joined(separator: ", "))"))
        }
        weights = Self.defaultWeights.merging(w) { $1 }
        modifiers = (try c.decodeIfPresent([String: Double].self, forKey: .modifiers)).map { modifiers.merging($0) { $1 } } ?? modifiers
        yellowFrom = try c.decodeIfPresent(Double.self, forKey: .yellowFrom) ?? yellowFrom
        redFrom = try c.decodeIfPresent(Double.self, forKey: .redFrom) ?? redFrom
        partnerClearanceLowersYellow = try c.decodeIfPresent(Bool.self, forKey: .partnerClearanceLowersYellow) ?? false
        guard yellowFrom > 0, redFrom > yellowFrom, redFrom <= 100 else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: c.codingPath + [CodingKeys.redFrom],
                debugDescription: "expected 0 < yellowFrom < redFrom ≤ 100, got \(yellowFrom) and \(redFrom)"))
        }
    }
}
