import Foundation

/// 10^0 … 10^6 as doubles (exact), so rounding a derived figure per event costs no `pow` call.
private let decimalScales: [Double] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000]

extension Double {
    /// Rounded to `places` decimals, so a derived rate does not print float noise; the same figure
    /// `JSONValue.rounded` writes, for building a typed payload.
    func decimalRounded(_ places: Int = 3) -> Double {
        let scale = places >= 0 && places < decimalScales.count ? decimalScales[places] : pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
