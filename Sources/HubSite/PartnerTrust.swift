import Foundation
import HubDevices

/// A partner administration whose signed inspection packages this hub accepts (`partners:` in the
/// site config): its name, its country and administration, and the certificate authority its
/// signing certificates must chain to. The hub trusts the CA, not a signing certificate, so a
/// partner that rotates its signing key keeps its packages, old and new, verifiable.
///
///     partners:
///       - name: kh-customs
///         country: KH
///         administration: General Department of Customs and Excise of Cambodia
///         ca: partners/kh-customs-ca.pem
public struct PartnerTrust: Sendable, Equatable {
    /// The name a received package is filed under and the screens show (`[a-z0-9._-]`).
    public var name: String
    /// Two-letter ISO 3166 country code.
    public var country: String
    /// The administration, in words (for people).
    public var administration: String?
    /// The partner's CA certificate(s) (PEM).
    public var caPath: String

    public init(name: String, country: String, administration: String?, caPath: String) {
        self.name = name
        self.country = country
        self.administration = administration
        self.caPath = caPath
    }
}

/// One `partners:` item as written.
struct RawPartner: Decodable {
    var name: String
    var country: String
    var administration: String?
    var ca: String
    enum CodingKeys: String, CodingKey, CaseIterable { case name, country, administration, ca }
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name, where: Identifier.isValid, expected: Identifier.expected)
        country = try c.decode(
            String.self, forKey: .country, where: { $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isUppercase } },
            expected: "a two-letter country code in capitals, e.g. KH")
        administration = try c.decodeIfPresent(
            String.self, forKey: .administration, where: { !$0.isEmpty && $0.count <= 200 }, expected: "the administration's name, 1 to 200 characters")
        ca = try c.decode(String.self, forKey: .ca, where: { !$0.isEmpty }, expected: "a PEM file path of the partner's CA certificate")
    }
}

extension SiteConfig {
    /// The partners with their CA paths resolved; a name given twice or a CA file that holds no
    /// certificate fails at the item's field.
    static func partners(
        _ raw: [RawPartner], resolve: (String) -> String, fail: (Int, String, String) -> ConfigError
    ) throws -> [PartnerTrust] {
        var seen: Set<String> = []
        return try raw.enumerated().map { i, p in
            guard seen.insert(p.name).inserted else { throw fail(i, "name", "partner '\(p.name)' is named twice") }
            let path = resolve(p.ca)
            if let problem = TLSFiles.pemProblem(path, label: "CERTIFICATE", what: "CA certificate") { throw fail(i, "ca", problem) }
            return PartnerTrust(name: p.name, country: p.country, administration: p.administration, caPath: path)
        }
    }
}
