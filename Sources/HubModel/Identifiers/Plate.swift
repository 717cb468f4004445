/// Licence plates as the hub keeps them: upper case, separators removed, so `51C-123.45` from a
/// camera and `51c 12345` from a declaration are the same plate.
public enum Plate {
    /// The normalized plate, or nil when nothing of it is left (only separators or symbols).
    public static func normalize(_ text: String) -> String? {
        let kept = text.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        guard !kept.isEmpty, kept.count <= 32 else { return nil }
        return String(String.UnicodeScalarView(kept))
    }
}
