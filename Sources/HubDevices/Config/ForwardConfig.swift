import Foundation

/// Store-and-forward to a central hub (`forward:` in the site file): where to send, the bearer
/// token (a `gate` or `admin` token of the central hub, kept in its own file), how many events per
/// batch, and the longest pause between attempts while the link is down.
public struct ForwardConfig: Sendable, Equatable {
    /// The central hub's forward endpoint, e.g. `http://central:8080/api/v1/forwarded`.
    public var url: URL
    /// A file holding the token (read at each attempt, so it can be rotated).
    public var tokenFile: String
    public var batch: Int
    public var maxBackoffS: Double

    public init(url: URL, tokenFile: String, batch: Int = 200, maxBackoffS: Double = 30) {
        self.url = url
        self.tokenFile = tokenFile
        self.batch = batch
        self.maxBackoffS = maxBackoffS
    }
}

/// `forward:` as written, checked field by field.
struct RawForward: Decodable {
    var url: URL
    var tokenFile: String
    var batch: Int
    var maxBackoffS: Double

    enum CodingKeys: String, CodingKey, CaseIterable { case url, tokenFile, batch, maxBackoffS }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(
            String.self, forKey: .url, where: { URL(string: $0)?.scheme == "http" && URL(string: $0)?.host != nil },
            expected: "an http:// URL of the central hub's /api/v1/forwarded")
        url = URL(string: text)!
        tokenFile = try c.decode(String.self, forKey: .tokenFile, where: { !$0.isEmpty }, expected: "a file path")
        batch = try c.decode(Int.self, forKey: .batch, default: 200, where: (1...1000).contains, expected: "1 to 1000 events")
        maxBackoffS = try c.decode(
            Double.self, forKey: .maxBackoffS, default: 30, where: { $0 >= 0.1 && $0 <= 3600 },
            expected: "seconds from 0.1 to 3600")
    }

    /// The settings, with `tokenFile` resolved; the file must be readable now.
    func resolved(_ resolve: (String) -> String, fail: (String, String) -> ConfigError) throws -> ForwardConfig {
        let path = resolve(tokenFile)
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw fail("tokenFile", "cannot read the token file \(path)")
        }
        return ForwardConfig(url: url, tokenFile: path, batch: batch, maxBackoffS: maxBackoffS)
    }
}
