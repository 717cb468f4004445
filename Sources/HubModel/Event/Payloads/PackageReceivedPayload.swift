import Foundation

/// `package.received`: a partner administration's signed inspection package that this hub
/// received and verified against the partner's certificate authority. The event's subject carries
/// the containers, seals and UCR of the partner's declaration, so it links to the local
/// declarations like any device's event; the package itself is kept, as received, in the blob
/// store under `packageSHA256`.
public struct PackageReceivedPayload: EventPayloadBody {
    public static let kinds = [EventKind.packageReceived]
    public static let passageRole: PassageRole? = nil

    /// The partner (its `partners:` name) whose CA the signing certificate chains to.
    public var partner: String
    /// The partner's country (ISO 3166 two letters).
    public var country: String
    /// The declaration number at the partner.
    public var partnerDeclaration: String
    /// The issuing hub's site at the partner.
    public var partnerSite: String
    /// The signing certificate's subject.
    public var signer: String
    /// SHA-256 of the package as received (its name in the blob store).
    public var packageSHA256: String
    public var bytes: Int
    public var members: Int
    /// When the partner's hub made the package.
    public var created: Date
    /// The latest observation among the package's events (when the partner inspected).
    public var inspectedAt: Date?
    /// No event of the package is an alarm and no analyst judged a scan suspect or for inspection:
    /// the partner inspected and cleared.
    public var cleared: Bool
    /// What the package proves, in one sentence (the verifier's result).
    public var summary: String

    public init(
        partner: String, country: String, partnerDeclaration: String, partnerSite: String, signer: String, packageSHA256: String,
        bytes: Int, members: Int, created: Date, inspectedAt: Date?, cleared: Bool, summary: String
    ) {
        self.partner = partner
        self.country = country
        self.partnerDeclaration = partnerDeclaration
        self.partnerSite = partnerSite
        self.signer = signer
        self.packageSHA256 = packageSHA256
        self.bytes = bytes
        self.members = members
        self.created = created
        self.inspectedAt = inspectedAt
        self.cleared = cleared
        self.summary = summary
    }

    public init(json: [String: JSONValue]) throws {
        var f = PayloadFields(json)
        partner = try f.string("partner")
        country = try f.string("country")
        partnerDeclaration = try f.string("partnerDeclaration")
        partnerSite = try f.string("partnerSite")
        signer = try f.string("signer")
        packageSHA256 = try f.string("packageSHA256")
        bytes = try f.int("bytes")
        members = try f.int("members")
        created = try f.date("created")
        inspectedAt = try f.optionalDate("inspectedAt")
        cleared = try f.bool("cleared")
        summary = try f.string("summary")
        try f.finish()
    }

    public var json: [String: JSONValue] {
        var out: [String: JSONValue] = [
            "partner": .string(partner), "country": .string(country), "partnerDeclaration": .string(partnerDeclaration),
            "partnerSite": .string(partnerSite), "signer": .string(signer), "packageSHA256": .string(packageSHA256),
            "bytes": .int(Int64(bytes)), "members": .int(Int64(members)), "cleared": .bool(cleared), "summary": .string(summary),
        ]
        out.put("created", created)
        out.put("inspectedAt", inspectedAt)
        return out
    }

    public var payload: EventPayload { .packageReceived(self) }
}

extension InspectionEvent {
    /// The partner's package, when this is a typed `package.received`.
    public var packageReceived: PackageReceivedPayload? {
        if case .packageReceived(let p) = payload { p } else { nil }
    }
}
