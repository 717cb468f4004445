import Foundation

/// Reads `manifest.json` strictly: bounded in size and count, no member it does not know, every
/// path, hash and table well formed, no path twice. The first problem is the answer.
public enum ManifestReader {
    public static let maxBytes = 32 << 20
    public static let maxMembers = 100_000

    private static let topKeys: Set<String> = ["schema", "version", "issuer", "created", "subject", "chains", "members"]
    private static let issuerKeys: Set<String> = ["site", "signer"]
    private static let subjectKeys: Set<String> = ["declaration", "declarationVersion", "ucr"]
    private static let runKeys: Set<String> = ["table", "firstSeq", "lastSeq", "previous", "head", "segment"]
    private static let memberKeys: Set<String> = ["path", "mediaType", "kind", "sha256", "size", "event", "eventKind", "chain"]
    private static let positionKeys: Set<String> = ["table", "seq", "value"]
    /// The chained tables a run or position may name.
    public static let tables: Set<String> = ["events", "raw_records"]

    public static func read(_ bytes: some Collection<UInt8>) -> Result<PackageManifest, ManifestProblem> {
        guard bytes.count <= maxBytes else { return .failure(.init("is larger than \(maxBytes) bytes")) }
        let data = Data(bytes)
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return .failure(.init("is not a JSON object"))
        }
        if let problem = unknown(top, topKeys, "")
            ?? unknown(top["issuer"], issuerKeys, "issuer")
            ?? unknown(top["subject"], subjectKeys, "subject")
        {
            return .failure(problem)
        }
        if let runs = top["chains"] as? [Any] {
            for (i, r) in runs.enumerated() { if let p = unknown(r, runKeys, "chains[\(i)]") { return .failure(p) } }
        }
        if let members = top["members"] as? [Any] {
            guard members.count <= maxMembers else { return .failure(.init("lists more than \(maxMembers) members")) }
            for (i, m) in members.enumerated() {
                if let p = unknown(m, memberKeys, "members[\(i)]") ?? unknown((m as? [String: Any])?["chain"], positionKeys, "members[\(i)].chain") {
                    return .failure(p)
                }
            }
        }
        let manifest: PackageManifest
        do {
            manifest = try JSONDecoder().decode(PackageManifest.self, from: data)
        } catch {
            return .failure(.init("does not have the fields of a package manifest (\(Self.describe(error)))"))
        }
        if let p = check(manifest) { return .failure(p) }
        return .success(manifest)
    }

    private static func check(_ m: PackageManifest) -> ManifestProblem? {
        guard m.schema == PackageManifest.schemaV1, m.version == 1 else {
            return .init("is layout \(m.schema) version \(m.version); this niihub reads \(PackageManifest.schemaV1) version 1")
        }
        var paths: Set<String> = []
        for (i, member) in m.members.enumerated() {
            if let p = TarName.problem(member.path) { return .init("members[\(i)].path \(member.path) \(p)") }
            guard !PackageFiles.reserved.contains(member.path) else { return .init("members[\(i)].path names \(member.path), which is not a member") }
            guard paths.insert(member.path).inserted else { return .init("lists \(member.path) twice") }
            guard isHex(member.sha256) else { return .init("members[\(i)].sha256 is not 64 lower-case hex digits") }
            guard member.size >= 0 else { return .init("members[\(i)].size is negative") }
            if let c = member.chain {
                guard tables.contains(c.table), c.seq >= 1, isHex(c.value) else { return .init("members[\(i)].chain is not a table, a seq from 1 and a 64-digit hex value") }
            }
        }
        var tablesSeen: Set<String> = []
        for (i, run) in m.chains.enumerated() {
            guard tables.contains(run.table), tablesSeen.insert(run.table).inserted else { return .init("chains[\(i)].table is unknown or repeated") }
            guard run.firstSeq >= 1, run.lastSeq >= run.firstSeq, isHex(run.previous), isHex(run.head) else {
                return .init("chains[\(i)] needs firstSeq ≤ lastSeq from 1 and 64-digit hex previous and head")
            }
            guard m.members.contains(where: { $0.path == run.segment && $0.kind == .chainSegment }) else {
                return .init("chains[\(i)].segment \(run.segment) is not a chain-segment member")
            }
        }
        return nil
    }

    private static func unknown(_ value: Any?, _ known: Set<String>, _ place: String) -> ManifestProblem? {
        guard let object = value as? [String: Any] else { return nil }
        guard let extra = object.keys.sorted().first(where: { !known.contains($0) }) else { return nil }
        return .init("has an unknown field \(place.isEmpty ? extra : place + "." + extra)")
    }

    static func isHex(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let c)?: return "missing \((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?, .dataCorrupted(let c)?:
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        default: return "\(error)"
        }
    }
}

/// Why a manifest was refused.
public struct ManifestProblem: Error, Equatable, CustomStringConvertible {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { "manifest.json \(problem)" }
}

/// The fixed files of a package beside its members.
public enum PackageFiles {
    public static let manifest = "manifest.json"
    public static let signature = "manifest.sig"
    public static let certificates = "certificates.pem"
    public static let reserved: Set<String> = [manifest, signature, certificates]
}
