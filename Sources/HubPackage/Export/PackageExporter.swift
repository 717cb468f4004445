import Foundation
import HubDrivers
import HubModel
import HubStore
import X509

/// Gathers everything a hub knows about one declaration into a signed package: the version in
/// force, why each event belongs to it, each event's exact stored body, the raw bytes it was
/// decoded from, the scanner images, N42.42-2012 documents for radiation occupancies, the
/// adjudications, and the runs of both hash chains that prove each record's place.
public struct PackageExporter: Sendable {
    /// The longest run of a chain a package carries (about 200 bytes a row).
    public var maxSegmentRows = 2_000_000
    /// The most events one package carries.
    public var maxEvents = 50_000

    public init() {}

    /// The hub's own conclusions about a declaration, found by its number rather than by a link.
    public static let declarationKinds = [
        EventKind.riskAssessment, EventKind.transitDeviation, EventKind.transitSeal, EventKind.transitOverdue, EventKind.transitStop,
        EventKind.transitSignalLost,
    ]

    public func export(
        declaration number: String, store: some DeclarationStore & AdjudicationStore & ChainEvidenceStore, blobs: BlobStore?,
        site: String, signer: SignerIdentity, now: Date
    ) async throws -> ExportedPackage {
        if let leaf = signer.chain.first, !(leaf.notValidBefore <= now && now <= leaf.notValidAfter) {
            throw PackageExportError(
                "the signing certificate is valid from \(Timestamp.format(leaf.notValidBefore)) to \(Timestamp.format(leaf.notValidAfter)), not now")
        }
        guard let declaration = try await store.declaration(number: number, version: nil) else {
            throw PackageExportError("no declaration \(number) is stored")
        }
        let links = try await store.links(declaration: number)
        var ids = Set(links.map(\.eventID))
        ids.formUnion(try await store.eventIDs(aboutDeclaration: number, kinds: Self.declarationKinds))
        guard ids.count <= maxEvents else {
            throw PackageExportError("declaration \(number) has \(ids.count) events, more than the \(maxEvents) a package carries")
        }
        let bodies = try await store.storedEventBodies(ids: ids.sorted())
        var members = MemberList()
        try members.add(PackageManifest.Member(path: "declaration.json", mediaType: "application/json", kind: .declaration, sha256: "", size: 0), Self.json(declaration))
        if !links.isEmpty {
            try members.add(PackageManifest.Member(path: "links.json", mediaType: "application/json", kind: .links, sha256: "", size: 0), Self.json(links))
        }
        var events: [InspectionEvent] = []
        for b in bodies {
            let event = try JSONDecoder().decode(InspectionEvent.self, from: Data(b.body.utf8))
            events.append(event)
            try members.add(
                PackageManifest.Member(
                    path: "events/\(b.id).json", mediaType: "application/json", kind: .event, sha256: "", size: 0, event: b.id, eventKind: b.kind,
                    chain: .init(table: ChainedTable.events.rawValue, seq: b.seq, value: b.chain.hex)),
                Array(b.body.utf8))
        }
        let rawHashes = events.map(\.raw.sha256).filter { BlobStore.isHash($0.lowercased()) }
        let raws = try await store.storedRawRecords(sha256s: rawHashes)
        for r in raws {
            let from = events.first { $0.raw.sha256.lowercased() == r.record.sha256.lowercased() }
            try members.add(
                PackageManifest.Member(
                    path: "raw/\(r.record.sha256.lowercased()).bin", mediaType: "application/octet-stream", kind: .rawRecord, sha256: "", size: 0,
                    event: from?.id, eventKind: r.record.format, chain: .init(table: ChainedTable.raw.rawValue, seq: r.seq, value: r.chain.hex)),
                r.record.bytes)
        }
        for e in events {
            if e.kind == EventKind.scanResult, let scan = try? ScanResultPayload(json: e.data), let blobs {
                for sha in scan.imagesStored ?? [] where !members.has(sha256: sha) {
                    guard let bytes = blobs.read(sha) else { continue }
                    let format = scan.images?.first { $0.sha256.lowercased() == sha }?.format
                    let (ext, type) = Self.imageType(format?.rawValue)
                    try members.add(
                        PackageManifest.Member(path: "images/\(sha).\(ext)", mediaType: type, kind: .image, sha256: "", size: 0, event: e.id, eventKind: e.kind),
                        Array(bytes))
                }
            }
            if e.kind == EventKind.occupancy, case .success(let xml) = N42OccupancyExport.document(for: e) {
                try members.add(
                    PackageManifest.Member(path: "n42/\(e.id).n42", mediaType: "application/xml", kind: .n42, sha256: "", size: 0, event: e.id, eventKind: e.kind),
                    Array(xml.utf8))
            }
        }
        let adjudications = try await store.adjudications(eventIDs: events.map(\.id))
        if !adjudications.isEmpty {
            try members.add(
                PackageManifest.Member(path: "adjudications.json", mediaType: "application/json", kind: .adjudications, sha256: "", size: 0),
                Self.json(adjudications))
        }
        var runs: [PackageManifest.ChainRun] = []
        for (table, seqs) in [(ChainedTable.events, bodies.map(\.seq)), (ChainedTable.raw, raws.map(\.seq))] {
            guard let first = seqs.min(), let last = seqs.max() else { continue }
            let segment = try await store.chainSegment(table, from: first, through: last, maxRows: maxSegmentRows)
            let path = "chain/\(table.rawValue).bin"
            try members.add(
                PackageManifest.Member(path: path, mediaType: "application/octet-stream", kind: .chainSegment, sha256: "", size: 0),
                ChainSegmentCodec.encode(segment))
            let head: ChainHash
            switch segment.entries.last {
            case .row(let r)?: head = r.chain
            case .purged(let p)?: head = p.lastChain
            case nil: throw PackageExportError("the \(table.rowName) chain from seq \(first) is empty")
            }
            runs.append(.init(table: table.rawValue, firstSeq: first, lastSeq: last, previous: segment.previous.hex, head: head.hex, segment: path))
        }
        let manifest = PackageManifest(
            issuer: .init(site: site, signer: signer.chain.first.map { String(describing: $0.subject) }),
            created: Timestamp.format(now),
            subject: .init(declaration: number, declarationVersion: declaration.version, ucr: declaration.ucr),
            chains: runs, members: members.members)
        let manifestBytes = try manifest.encoded()
        let signature = try ManifestSignature.sign(manifestBytes, key: signer.key)
        var tar = TarWriter(mtime: Int(now.timeIntervalSince1970))
        try tar.add(PackageFiles.manifest, manifestBytes)
        try tar.add(PackageFiles.signature, Array(signature.text.utf8))
        try tar.add(PackageFiles.certificates, Array(try signer.chainPEM.utf8))
        for (m, bytes) in zip(members.members, members.contents) { try tar.add(m.path, bytes) }
        return ExportedPackage(bytes: tar.finished(), manifest: manifest)
    }

    static func json(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Timestamp.format(date))
        }
        return Array(try encoder.encode(value)) + [10]
    }

    /// A file extension and media type for a scanner image's format.
    static func imageType(_ format: String?) -> (String, String) {
        switch format {
        case "png": return ("png", "image/png")
        case "jpeg": return ("jpg", "image/jpeg")
        case "tiff": return ("tif", "image/tiff")
        case "dicos": return ("dcm", "application/dicom")
        default: return ("bin", "application/octet-stream")
        }
    }

    /// Members in the order they are added, each with its content and hash.
    struct MemberList {
        var members: [PackageManifest.Member] = []
        var contents: [[UInt8]] = []

        mutating func add(_ member: PackageManifest.Member, _ content: [UInt8]) throws {
            var m = member
            m.sha256 = ChainHash.hex(ChainHash.sha256(content))
            m.size = content.count
            if let problem = TarName.problem(m.path) { throw PackageExportError("member \(m.path) \(problem)") }
            members.append(m)
            contents.append(content)
        }

        func has(sha256: String) -> Bool { members.contains { $0.sha256 == sha256 } }
    }
}

/// A written package: its bytes and the manifest they were signed with.
public struct ExportedPackage: Sendable {
    public var bytes: [UInt8]
    public var manifest: PackageManifest
}

/// Why a package could not be made, in words.
public struct PackageExportError: Error, Equatable, CustomStringConvertible {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}
