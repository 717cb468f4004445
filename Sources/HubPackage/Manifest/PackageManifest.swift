import Foundation

/// `manifest.json`: what a signed inspection package holds (published as
/// `Schemas/inspection-package-v1.schema.json`). The signature in `manifest.sig` covers these exact
/// bytes; each member is named by its SHA-256, and each record's place in the issuing hub's hash
/// chain is given against the chain heads below, which the signature vouches for.
public struct PackageManifest: Sendable, Equatable, Codable {
    public static let schemaV1 = "niihub.package/1"

    /// Always `niihub.package/1`.
    public var schema: String
    /// The layout version (1).
    public var version: Int
    public var issuer: Issuer
    /// RFC 3339 UTC, the issuing hub's clock.
    public var created: String
    public var subject: Subject
    /// Per chained table (`events`, `raw_records`), the run of the chain the package proves.
    public var chains: [ChainRun]
    public var members: [Member]

    /// Who issued the package.
    public struct Issuer: Sendable, Equatable, Codable {
        /// The issuing hub's site.
        public var site: String
        /// The signing certificate's subject, as text, for people.
        public var signer: String?

        public init(site: String, signer: String?) {
            self.site = site
            self.signer = signer
        }
    }

    /// What the package is about.
    public struct Subject: Sendable, Equatable, Codable {
        public var declaration: String
        /// The version in force when the package was made (the one the evidence was checked against).
        public var declarationVersion: Int
        public var ucr: String?

        public init(declaration: String, declarationVersion: Int, ucr: String?) {
            self.declaration = declaration
            self.declarationVersion = declarationVersion
            self.ucr = ucr
        }
    }

    /// A run of one chained table: the value before `firstSeq`, and the head at `lastSeq` that
    /// recomputing the run's segment member must reach.
    public struct ChainRun: Sendable, Equatable, Codable {
        /// `events` or `raw_records`.
        public var table: String
        public var firstSeq: Int64
        public var lastSeq: Int64
        /// Hex chain value before `firstSeq`.
        public var previous: String
        /// Hex chain value at `lastSeq`: the signed chain head.
        public var head: String
        /// The member holding the run's links.
        public var segment: String

        public init(table: String, firstSeq: Int64, lastSeq: Int64, previous: String, head: String, segment: String) {
            self.table = table
            self.firstSeq = firstSeq
            self.lastSeq = lastSeq
            self.previous = previous
            self.head = head
            self.segment = segment
        }
    }

    /// One file of the package.
    public struct Member: Sendable, Equatable, Codable {
        public var path: String
        public var mediaType: String
        public var kind: Kind
        /// Lower-case hex SHA-256 of the member's bytes.
        public var sha256: String
        public var size: Int
        /// The event the member is (`event`), was decoded from (`raw-record`), shows (`image`) or
        /// exports (`n42`).
        public var event: String?
        /// The event's kind, for readers that list without opening.
        public var eventKind: String?
        /// Where the record sits in the issuing hub's chain (events and raw records).
        public var chain: ChainPosition?

        public init(
            path: String, mediaType: String, kind: Kind, sha256: String, size: Int, event: String? = nil, eventKind: String? = nil,
            chain: ChainPosition? = nil
        ) {
            self.path = path
            self.mediaType = mediaType
            self.kind = kind
            self.sha256 = sha256
            self.size = size
            self.event = event
            self.eventKind = eventKind
            self.chain = chain
        }
    }

    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        /// The declaration version the evidence was checked against (JSON).
        case declaration
        /// Why each event belongs to the declaration (JSON).
        case links
        /// An event's exact stored JSON body.
        case event
        /// A raw record's exact bytes as the device sent them.
        case rawRecord = "raw-record"
        /// A scanner image, as the scanner wrote it.
        case image
        /// An N42.42-2012 document for a radiation occupancy.
        case n42
        /// Adjudications of the events (JSON; kept outside the chain, so no proof).
        case adjudications
        /// The links of one chained table's run (binary, see `ChainSegmentCodec`).
        case chainSegment = "chain-segment"
    }

    /// A record's seq in a chained table and the chain value stored with it (hex).
    public struct ChainPosition: Sendable, Equatable, Codable {
        public var table: String
        public var seq: Int64
        public var value: String

        public init(table: String, seq: Int64, value: String) {
            self.table = table
            self.seq = seq
            self.value = value
        }
    }

    public init(
        issuer: Issuer, created: String, subject: Subject, chains: [ChainRun], members: [Member]
    ) {
        self.schema = Self.schemaV1
        self.version = 1
        self.issuer = issuer
        self.created = created
        self.subject = subject
        self.chains = chains
        self.members = members
    }

    /// The bytes that are signed: sorted keys, so one manifest has one encoding.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [10]
    }
}
