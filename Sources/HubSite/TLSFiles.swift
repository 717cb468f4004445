import Foundation
import HubDevices

/// The certificate chain and private key (PEM files) the HTTP server presents: the site config's
/// `tls:` section. Without it the hub serves plain HTTP.
public struct TLSFiles: Sendable, Equatable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// The first thing wrong with the files, as (field, message), checked when the config is read so
    /// the error can point at the line that names the file.
    func problem() -> (field: String, message: String)? {
        if let m = Self.pemProblem(certificatePath, label: "CERTIFICATE", what: "certificate") { return ("certificate", m) }
        if let m = Self.pemProblem(keyPath, label: "PRIVATE KEY", what: "private key") { return ("key", m) }
        return nil
    }

    /// Whether `path` holds a PEM block whose label ends in `label` with a base64 body.
    static func pemProblem(_ path: String, label: String, what: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "cannot read the \(what) file \(path)"
        }
        guard let begin = text.range(of: "-----BEGIN "), let endOfBegin = text.range(of: "-----", range: begin.upperBound..<text.endIndex),
            text[begin.upperBound..<endOfBegin.lowerBound].hasSuffix(label),
            let end = text.range(of: "-----END ", range: endOfBegin.upperBound..<text.endIndex)
        else { return "\(path) holds no PEM \(what) (a -----BEGIN …\(label)----- block)" }
        let body = text[endOfBegin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(body)), der.first == 0x30 else {
            return "\(path): the \(what) block is not valid base64 DER"
        }
        return nil
    }
}

struct RawTLS: Decodable {
    var certificate: String
    var key: String
    enum CodingKeys: String, CodingKey, CaseIterable { case certificate, key }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        certificate = try c.decode(String.self, forKey: .certificate, where: { !$0.isEmpty }, expected: "a PEM file path")
        key = try c.decode(String.self, forKey: .key, where: { !$0.isEmpty }, expected: "a PEM file path")
    }
}
