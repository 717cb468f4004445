import Foundation

extension Double {
    /// Rounded to `places` decimals, so a derived rate does not print float noise; the same figure
    /// `JSONValue.rounded` writes, for building a typed payload.
    func decimalRounded(_ places: Int = 3) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
