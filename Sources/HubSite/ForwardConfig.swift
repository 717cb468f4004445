import Foundation
import HubDevices

/// Store-and-forward to a central hub (`forward:` in the site file): where to send, the bearer
/// token (a `gate` or `admin` token of the central hub, kept in its own file), how many events per
/// batch, the longest pause between attempts while the link is down, and for `https://` the CA
/// file the central's certificate must chain to.
public struct ForwardConfig: Sendable, Equatable {
    /// The central hub's forward endpoint, e.g. `https://central:8443/api/v1/forwarded`.
    public var url: URL
    /// A file holding the token (read at each attempt, so it can be rotated).
    public var tokenFile: String
    public var batch: Int
    public var maxBackoffS: Double
    /// PEM certificates the central's certificate must chain to, instead of the system's roots.
    public var caFile: String?

    public init(url: URL, tokenFile: String, batch: Int = 200, maxBackoffS: Double = 30, caFile: String? = nil) {
        self.url = url
        self.tokenFile = tokenFile
        self.batch = batch
        self.maxBackoffS = maxBackoffS
        self.caFile = caFile
    }
}

/// `forward:` as written, checked field by field.
struct RawForward: Decodable {
    var url: URL
    var tokenFile: String
    var batch: Int
    var maxBackoffS: Double
    var caFile: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case url, tokenFile, batch, maxBackoffS, caFile }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(
            String.self, forKey: .url, where: { OutboundURL.isValid($0) },
            expected: "an http:// or https:// URL of the central hub's /api/v1/forwarded")
        url = URL(string: text)!
        tokenFile = try c.decode(String.self, forKey: .tokenFile, where: { !$0.isEmpty }, expected: "a file path")
        batch = try c.decode(Int.self, forKey: .batch, default: 200, where: (1...1000).contains, expected: "1 to 1000 events")
        maxBackoffS = try c.decode(
            Double.self, forKey: .maxBackoffS, default: 30, where: { $0 >= 0.1 && $0 <= 3600 },
            expected: "seconds from 0.1 to 3600")
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile, where: { !$0.isEmpty }, expected: "a PEM file path")
    }

    /// The settings, with `tokenFile` resolved; the file must be readable now.
    func resolved(_ resolve: (String) -> String, fail: (String, String) -> ConfigError) throws -> ForwardConfig {
        let path = resolve(tokenFile)
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw fail("tokenFile", "cannot read the token file \(path)")
        }
        let ca = try OutboundURL.caFile(caFile, for: url, resolve) { fail("caFile", $0) }
        return ForwardConfig(url: url, tokenFile: path, batch: batch, maxBackoffS: maxBackoffS, caFile: ca)
    }
}

/// What the hub posts to (the feed webhook, the central hub): `http://` or `https://` with a host,
/// and for `https://` an optional CA file.
enum OutboundURL {
    static func isValid(_ text: String) -> Bool {
        guard let url = URL(string: text), let host = url.host, !host.isEmpty else { return false }
        return url.scheme == "http" || url.scheme == "https"
    }

    /// `caFile` resolved, once it is known to be a readable PEM certificate and `url` is https.
    static func caFile(
        _ caFile: String?, for url: URL, _ resolve: (String) -> String, fail: (String) -> ConfigError
    ) throws -> String? {
        guard let caFile else { return nil }
        guard url.scheme == "https" else { throw fail("'caFile' applies to an https:// URL; \(url) is plain http") }
        let path = resolve(caFile)
        if let problem = TLSFiles.pemProblem(path, label: "CERTIFICATE", what: "CA certificate") { throw fail(problem) }
        return path
    }
}
