import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where the console's files (HTML, CSS, JavaScript modules, translation catalogs) are, and how a
/// request's path segments become one of them without ever leaving the folder. The files are read
/// at each request, so an edit shows on the next reload without rebuilding the hub.
enum ConsoleAssets {
    /// The folder inside a checkout that holds `index.html`.
    static let folderName = "Assets/console"
    /// Debian's browser libraries (`libjs-leaflet`, `libjs-chart.js`, `libjs-bootstrap5`), served
    /// under `/vendor/<name>/`; nothing else in `/usr/share/javascript` is.
    static let vendor: [String: String] = [
        "leaflet": "/usr/share/javascript/leaflet", "chart.js": "/usr/share/javascript/chart.js",
        "bootstrap5": "/usr/share/javascript/bootstrap5",
    ]

    /// The places looked at, in order: the site config's `console.assets`, `NIIHUB_ASSETS`,
    /// `../share/niihub/console` beside the executable (an installed hub: `/usr/bin/niihub` finds
    /// `/usr/share/niihub/console`), an `Assets/console` in the executable's folder or any folder above
    /// it (a checkout's `.build/debug/niihub`, and the test bundle), `/usr/share/niihub/console`,
    /// then the working directory's `Assets/console`.
    static func candidates(configured: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var out: [URL] = []
        if let configured { out.append(URL(fileURLWithPath: configured)) }
        if let env = environment["NIIHUB_ASSETS"], !env.isEmpty { out.append(URL(fileURLWithPath: env)) }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            out.append(dir.appendingPathComponent("../share/niihub/console").standardizedFileURL)
            for _ in 0..<8 {
                out.append(dir.appendingPathComponent(folderName))
                dir = dir.deletingLastPathComponent()
            }
        }
        out.append(URL(fileURLWithPath: "/usr/share/niihub/console"))
        out.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(folderName))
        return out
    }

    /// The first candidate holding an `index.html`, as a real path (symlinks resolved); nil when none does.
    static func locate(configured: String?) -> URL? {
        for c in candidates(configured: configured) {
            if let real = realPath(c.path), FileManager.default.fileExists(atPath: real + "/index.html") {
                return URL(fileURLWithPath: real, isDirectory: true)
            }
        }
        return nil
    }

    /// The file `segments` name under `root`, or nil: each segment is a plain name (no `.`-leading
    /// name, no separator, no NUL or `%`), the extension is one the console serves, and the real
    /// path, symlinks followed, is still under the real `root` and is a regular file.
    static func file(in root: String, _ segments: [String]) -> String? {
        guard !segments.isEmpty else { return nil }
        for s in segments {
            guard !s.isEmpty, !s.hasPrefix("."), !s.contains(where: { "/\\%\0".contains($0) }) else { return nil }
        }
        guard let last = segments.last, contentType(last) != nil, let base = realPath(root) else { return nil }
        guard let real = realPath(base + "/" + segments.joined(separator: "/")), real.hasPrefix(base + "/") else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return real
    }

    /// The media type of a file the console serves, by extension; nil for any other file.
    static func contentType(_ name: String) -> String? {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json", "map": return "application/json; charset=utf-8"
        case "png": return "image/png"
        case "svg": return "image/svg+xml"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        default: return nil
        }
    }

    /// `realpath(3)`: the absolute path with every symlink and `..` resolved; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}

/// The console's asset folder as the server finds it (`ConsoleAssets.locate`), for other parts
/// that read its files: the notifications' e-mails take their words from its `i18n/` catalogs.
public func consoleAssetFolder(configured: String?) -> URL? {
    ConsoleAssets.locate(configured: configured)
}
