import Foundation

/// The outside corpora in `../shared/corpus` (beside the checkout), read in place and never copied.
public enum Corpus {
    /// The package's root folder, found from this file's place in `Sources/HubTesting`.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `shared/`: `$NIIHUB_SHARED` when set, else `../shared` beside the checkout.
    public static var shared: URL {
        if let env = ProcessInfo.processInfo.environment["NIIHUB_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A corpus file, e.g. `rpm/S2-C3-NORM2.csv`.
    public static func url(_ relative: String) -> URL {
        shared.appendingPathComponent("corpus").appendingPathComponent(relative)
    }

    /// A corpus file's bytes; fails the test run loudly when the corpus is not where it should be.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relative)))
    }

    /// Files of one corpus folder with one of the given extensions, sorted.
    public static func files(in folder: String, extensions: Set<String>) throws -> [URL] {
        let dir = shared.appendingPathComponent("corpus").appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { extensions.contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// A repository file, e.g. `Schemas/inspection-event-v1.schema.json`.
    public static func repositoryFile(_ relative: String) -> URL {
        packageRoot.appendingPathComponent(relative)
    }
}
