import Foundation
import HubModel
import HubStore
import X509

/// A partner administration as the receiving hub trusts it: its name, country and the CA
/// certificates its signing certificates must chain to.
public struct TrustedPartner: Sendable {
    public var name: String
    public var country: String
    public var anchors: [Certificate]

    public init(name: String, country: String, anchors: [Certificate]) {
        self.name = name
        self.country = country
        self.anchors = anchors
    }
}

/// A partner's package that verified: which partner, what it is about, and the event that files it.
public struct PartnerPackage: Sendable {
    public var payload: PackageReceivedPayload
    /// The partner declaration's containers, seals and UCR: what links the package locally.
    public var subject: Subject
    /// The verifier's sentences on what the package holds.
    public var sentences: [String]
}

/// Why a partner's package was refused: each broken file named, as the verifier names it.
public struct PartnerPackageRefused: Error, Sendable, CustomStringConvertible {
    public var problems: [PackageProblem]
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// Checks a package received from a partner: it must verify in full (`PackageVerifier`) against one
/// configured partner's CA, which names the partner. Trust is in the partner's CA, not a signing
/// certificate, so packages signed before a partner rotated its key still verify.
public enum PartnerPackageCheck {
    /// The largest package a hub receives (it is verified in memory).
    public static let maxBytes = 256 << 20

    public static func check(_ bytes: [UInt8], partners: [TrustedPartner], now: Date) async -> Result<PartnerPackage, PartnerPackageRefused> {
        guard !partners.isEmpty else {
            return .failure(.init(problems: [PackageProblem("package", "this hub trusts no partner administration (partners: in the site config)")]))
        }
        guard bytes.count <= maxBytes else {
            return .failure(.init(problems: [PackageProblem("package", "is larger than \(maxBytes) bytes")]))
        }
        var first: PackageVerification?
        for partner in partners {
            let v = await PackageVerifier(trust: partner.anchors, now: now).verify(bytes)
            if v.intact, let m = v.manifest { return .success(accepted(bytes, v, m, partner)) }
            // The chain reached this partner's CA: its problems are the package's, not a wrong partner's.
            if v.signer != nil { return .failure(.init(problems: v.problems)) }
            first = first ?? v
        }
        let names = partners.map(\.name).joined(separator: ", ")
        let problems = (first?.problems ?? []).map { p in
            p.member == PackageFiles.certificates && p.problem.contains("does not chain")
                ? PackageProblem(p.member, "the signing certificate does not chain to the certificate authority of any partner this hub trusts (\(names))")
                : p
        }
        return .failure(.init(problems: problems))
    }

    private static func accepted(_ bytes: [UInt8], _ v: PackageVerification, _ m: PackageManifest, _ partner: TrustedPartner) -> PartnerPackage {
        var subject = Subject()
        subject.ucr = m.subject.ucr
        if let d = declaration(bytes, m) {
            subject.containers = d.containers.isEmpty ? nil : d.containers
            subject.seals = d.seals.isEmpty ? nil : d.seals
            subject.ucr = d.ucr ?? m.subject.ucr
        }
        let alarmed = v.events.contains { e in
            e.severity == .alarm || e.scanVerdict.map { $0.verdict == .suspect || $0.verdict == .inspect } == true
        }
        let evidence = v.events.filter { $0.kind != EventKind.riskAssessment }
        let links = m.chains.reduce(0) { $0 + Int($1.lastSeq - $1.firstSeq + 1) }
        let signer = v.signer ?? m.issuer.signer ?? "?"
        let summary =
            "Signature by \(signer) verified to \(partner.name)'s certificate authority; \(m.members.count) members intact, "
            + "\(evidence.count) events proven by \(links) links of \(m.issuer.site)'s hash chain"
            + (alarmed ? "; the partner recorded an alarm or a suspect scan." : "; no alarm, no suspect scan.")
        let payload = PackageReceivedPayload(
            partner: partner.name, country: partner.country, partnerDeclaration: m.subject.declaration, partnerSite: m.issuer.site,
            signer: signer, packageSHA256: ChainHash.hex(ChainHash.sha256(bytes)), bytes: bytes.count, members: m.members.count,
            created: Timestamp.parse(m.created) ?? Date(timeIntervalSince1970: 0), inspectedAt: evidence.map(\.observedAt).max(),
            cleared: !alarmed, summary: summary)
        return PartnerPackage(payload: payload, subject: subject, sentences: PackageSummary.sentences(v))
    }

    /// The partner's declaration as its member holds it (verified by then).
    private static func declaration(_ bytes: [UInt8], _ m: PackageManifest) -> Declaration? {
        guard let member = m.members.first(where: { $0.kind == .declaration }),
            let tar = try? TarReader(bytes, maxMembers: ManifestReader.maxMembers + 3), let content = tar.content(member.path)
        else { return nil }
        return try? PackageVerifier.memberDecoder().decode(Declaration.self, from: Data(content))
    }
}
