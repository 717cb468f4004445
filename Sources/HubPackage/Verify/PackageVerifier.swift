import Crypto
import Foundation
import HubModel
import HubStore
import X509

/// One thing wrong with a package, naming the file it is in (a member's path, `manifest.json`,
/// `manifest.sig`, `certificates.pem`, or `package` for the archive itself).
public struct PackageProblem: Sendable, Equatable, CustomStringConvertible {
    public var member: String
    public var problem: String

    public init(_ member: String, _ problem: String) {
        self.member = member
        self.problem = problem
    }

    public var description: String { "\(member): \(problem)" }
}

/// What checking a package found: its problems (none when it verifies), and what it holds.
public struct PackageVerification: Sendable {
    public var problems: [PackageProblem] = []
    public var manifest: PackageManifest?
    /// The signing certificate's subject, once it chains to a trust anchor.
    public var signer: String?
    /// The events of the package that verified, for the summary.
    public var events: [InspectionEvent] = []
    /// The adjudications, when their member verified.
    public var adjudications: [Adjudication] = []

    public var intact: Bool { problems.isEmpty }
}

/// Checks a package offline with nothing but trust anchors: the archive's structure, the
/// certificate chain to an anchor and its validity at `now`, the signature over the manifest,
/// every member's SHA-256, and every record's place in the issuing hub's hash chain. It goes on
/// after a problem, so each broken file is named.
public struct PackageVerifier: Sendable {
    /// The largest package read (the CLI checks the file's size before reading it).
    public static let maxPackageBytes = 2 << 30

    public var trust: [Certificate]
    public var now: Date

    public init(trust: [Certificate], now: Date) {
        self.trust = trust
        self.now = now
    }

    public func verify(_ bytes: [UInt8]) async -> PackageVerification {
        var out = PackageVerification()
        let tar: TarReader
        do {
            tar = try TarReader(bytes, maxMembers: ManifestReader.maxMembers + 3)
        } catch {
            out.problems.append(PackageProblem(error.member ?? "package", error.problem))
            return out
        }
        for f in [PackageFiles.manifest, PackageFiles.signature, PackageFiles.certificates] where tar.content(f) == nil {
            out.problems.append(PackageProblem(f, "is missing from the package"))
        }
        guard let manifestBytes = tar.content(PackageFiles.manifest).map(Array.init) else { return out }
        let leafKey = await checkCertificates(tar, &out)
        checkSignature(tar, manifestBytes, leafKey, &out)
        switch ManifestReader.read(manifestBytes) {
        case .failure(let p):
            out.problems.append(PackageProblem(PackageFiles.manifest, p.problem))
            return out
        case .success(let m):
            out.manifest = m
        }
        let manifest = out.manifest!
        let intact = checkMembers(tar, manifest, &out)
        for run in manifest.chains { checkChain(run, tar, manifest, intact, &out) }
        let runTables = Set(manifest.chains.map(\.table))
        for m in manifest.members where (m.kind == .event || m.kind == .rawRecord) && !runTables.contains(m.chain?.table ?? "") {
            out.problems.append(PackageProblem(m.path, "has no place in a chain run of the manifest"))
        }
        checkImages(tar, manifest, intact, &out)
        return out
    }

    /// The leaf's P-256 key when the chain leads to an anchor and is valid now.
    private func checkCertificates(_ tar: TarReader, _ out: inout PackageVerification) async -> P256.Signing.PublicKey? {
        guard let pem = tar.content(PackageFiles.certificates) else { return nil }
        let chain: [Certificate]
        do {
            chain = try SignerIdentity.certificates(String(decoding: pem, as: UTF8.self))
        } catch {
            out.problems.append(PackageProblem(PackageFiles.certificates, error.problem))
            return nil
        }
        let leaf = chain[0]
        guard leaf.notValidBefore <= now, now <= leaf.notValidAfter else {
            out.problems.append(
                PackageProblem(
                    PackageFiles.certificates,
                    "the signing certificate is valid from \(Timestamp.format(leaf.notValidBefore)) to \(Timestamp.format(leaf.notValidAfter)), not at \(Timestamp.format(now))"))
            return nil
        }
        var verifier = Verifier(rootCertificates: CertificateStore(trust)) { RFC5280Policy(validationTime: now) }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(chain.dropFirst())) {
        case .validCertificate:
            break
        case .couldNotValidate(let failures):
            let why = failures.first.map { ": \($0.policyFailureReason)" } ?? ": no issuer among the trust anchors"
            out.problems.append(
                PackageProblem(PackageFiles.certificates, "the signing certificate does not chain to a trusted certificate authority" + why))
            return nil
        }
        guard let key = P256.Signing.PublicKey(leaf.publicKey) else {
            out.problems.append(PackageProblem(PackageFiles.certificates, "the signing certificate's key is not a P-256 key"))
            return nil
        }
        out.signer = String(describing: leaf.subject)
        return key
    }

    /// The signature is checked whenever the key is known; the unsigned manifest hash in
    /// `manifest.sig` then tells which of the two files changed.
    private func checkSignature(_ tar: TarReader, _ manifest: [UInt8], _ key: P256.Signing.PublicKey?, _ out: inout PackageVerification) {
        guard let sigBytes = tar.content(PackageFiles.signature) else { return }
        let signature: ManifestSignature
        switch ManifestSignature.read(sigBytes) {
        case .failure(let p):
            out.problems.append(PackageProblem(PackageFiles.signature, p.problem))
            return
        case .success(let s): signature = s
        }
        let actual = ChainHash.hex(ChainHash.sha256(manifest))
        let hashMatches = actual == signature.manifestSHA256
        guard let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: signature.der) else {
            out.problems.append(PackageProblem(PackageFiles.signature, "holds a signature that is not a DER ECDSA signature"))
            if !hashMatches { out.problems.append(PackageProblem(PackageFiles.manifest, "no longer hashes to the SHA-256 manifest.sig names")) }
            return
        }
        guard let key else {
            if !hashMatches { out.problems.append(PackageProblem(PackageFiles.manifest, "no longer hashes to the SHA-256 manifest.sig names")) }
            return
        }
        switch (key.isValidSignature(ecdsa, for: manifest), hashMatches) {
        case (true, true): break
        case (true, false):
            out.problems.append(PackageProblem(PackageFiles.signature, "its manifest-sha256 line was changed (the signature itself holds)"))
        case (false, false):
            out.problems.append(
                PackageProblem(
                    PackageFiles.manifest,
                    "was changed after it was signed: it hashes to \(actual.prefix(16))…, the signed manifest to \(signature.manifestSHA256.prefix(16))…"))
        case (false, true):
            out.problems.append(PackageProblem(PackageFiles.signature, "the signature does not verify over manifest.json with the signer's key"))
        }
    }

    /// Reads a JSON member as the exporter wrote it (times in RFC 3339).
    static func memberDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            let text = try d.singleValueContainer().decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: d.codingPath, debugDescription: "not an RFC 3339 time"))
            }
            return date
        }
        return decoder
    }

    /// Paths whose bytes match the manifest.
    private func checkMembers(_ tar: TarReader, _ manifest: PackageManifest, _ out: inout PackageVerification) -> Set<String> {
        let listed = Set(manifest.members.map(\.path))
        for m in tar.members where !listed.contains(m.name) && !PackageFiles.reserved.contains(m.name) {
            out.problems.append(PackageProblem(m.name, "is in the package but not in the manifest"))
        }
        var intact: Set<String> = []
        for m in manifest.members {
            guard let content = tar.content(m.path) else {
                out.problems.append(PackageProblem(m.path, "is listed in the manifest but missing from the package"))
                continue
            }
            let sha = ChainHash.hex(ChainHash.sha256(content))
            guard content.count == m.size, sha == m.sha256 else {
                out.problems.append(
                    PackageProblem(
                        m.path,
                        "its bytes no longer match the manifest (\(content.count) bytes hashing to \(sha.prefix(16))…; signed: \(m.size) bytes, \(m.sha256.prefix(16))…): the member was changed"))
                continue
            }
            intact.insert(m.path)
            if m.kind == .event, let e = try? JSONDecoder().decode(InspectionEvent.self, from: Data(content)) { out.events.append(e) }
            if m.kind == .adjudications {
                out.adjudications = (try? Self.memberDecoder().decode([Adjudication].self, from: Data(content))) ?? []
            }
        }
        return intact
    }

    /// Recomputes a run of the chain from its segment and checks each record member against it.
    private func checkChain(
        _ run: PackageManifest.ChainRun, _ tar: TarReader, _ manifest: PackageManifest, _ intact: Set<String>, _ out: inout PackageVerification
    ) {
        guard intact.contains(run.segment), let bytes = tar.content(run.segment) else { return }
        let segment: ChainSegment
        switch ChainSegmentCodec.decode(bytes) {
        case .failure(let p):
            out.problems.append(PackageProblem(run.segment, p.problem))
            return
        case .success(let s): segment = s
        }
        guard segment.table.rawValue == run.table, segment.firstSeq == run.firstSeq, segment.previous.hex == run.previous else {
            out.problems.append(PackageProblem(run.segment, "does not start where the manifest's \(run.table) run does"))
            return
        }
        var previous = segment.previous
        var expected = segment.firstSeq
        var rows: [Int64: ChainedRow] = [:]
        for entry in segment.entries {
            switch entry {
            case .row(let r):
                guard r.seq == expected else {
                    out.problems.append(PackageProblem(run.segment, "skips from seq \(expected) to \(r.seq)"))
                    return
                }
                guard ChainHash.next(after: previous, r.canonical) == r.chain else {
                    out.problems.append(PackageProblem(run.segment, "the link at seq \(r.seq) does not follow the one before it"))
                    return
                }
                rows[r.seq] = r
                previous = r.chain
                expected = r.seq + 1
            case .purged(let p):
                guard p.first == expected else {
                    out.problems.append(PackageProblem(run.segment, "a purged range starts at seq \(p.first), not \(expected)"))
                    return
                }
                previous = p.lastChain
                expected = p.last + 1
            }
        }
        guard expected - 1 == run.lastSeq, previous.hex == run.head else {
            out.problems.append(PackageProblem(run.segment, "does not end at the signed chain head (seq \(run.lastSeq))"))
            return
        }
        let table = segment.table
        for m in manifest.members where m.chain?.table == run.table && intact.contains(m.path) {
            let position = m.chain!
            guard let row = rows[position.seq], let fields = LinkFields.read(row.canonical, table: table) else {
                out.problems.append(PackageProblem(m.path, "its chain position seq \(position.seq) is not a \(table.rowName) link of the run"))
                continue
            }
            guard fields.contentSHA256.lowercased() == m.sha256, row.chain.hex == position.value, fields.eventID == (table == .events ? m.event : nil)
            else {
                out.problems.append(PackageProblem(m.path, "the chain's link at seq \(position.seq) commits to other content than this member"))
                continue
            }
        }
    }

    /// An image must be one its scan event names.
    private func checkImages(_ tar: TarReader, _ manifest: PackageManifest, _ intact: Set<String>, _ out: inout PackageVerification) {
        for m in manifest.members where m.kind == .image && intact.contains(m.path) {
            guard let event = out.events.first(where: { $0.id == m.event }),
                let scan = try? ScanResultPayload(json: event.data), (scan.imagesStored ?? []).contains(m.sha256)
            else {
                out.problems.append(PackageProblem(m.path, "is not an image its scan event names"))
                continue
            }
        }
    }
}
