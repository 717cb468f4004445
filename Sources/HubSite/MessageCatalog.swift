import Foundation

/// The console's translation catalogs (`i18n/vi.json`, `i18n/en.json` under the console's asset
/// folder), read once, for text the hub writes itself: e-mails in the recipient's language and the
/// daily report. One source of words for the console and the hub: a text is changed in one place.
public struct MessageCatalog: Sendable {
    private let strings: [String: [String: String]]

    /// The catalogs in `folder` (the console's assets: the one holding `i18n/`); a language whose
    /// file is missing or unreadable is empty, so its texts fall back to English, then to the key.
    public init(folder: URL?) {
        var strings: [String: [String: String]] = [:]
        for language in ["en", "vi"] {
            guard let folder, let data = FileManager.default.contents(atPath: folder.appendingPathComponent("i18n/\(language).json").path),
                let map = try? JSONDecoder().decode([String: String].self, from: data)
            else { continue }
            strings[language] = map
        }
        self.strings = strings
    }

    /// The text of `key` in `language` with each `{name}` replaced by `values[name]`.
    public func text(_ key: String, _ language: String, _ values: [String: String] = [:]) -> String {
        var text = strings[language]?[key] ?? strings["en"]?[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// Whether `key` is in the catalog of `language`.
    public func has(_ key: String, _ language: String) -> Bool { strings[language]?[key] != nil }
}
