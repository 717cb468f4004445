import Foundation
import Synchronization

/// A report page printed to PDF by headless Chromium (`--print-to-pdf`), where Debian's `chromium` is installed.
/// Chromium is optional: without it a report is HTML and CSV only.
enum ReportPDF {
    enum Outcome: Equatable {
        case printed
        /// Why there is no PDF: no Chromium, it failed, or it took too long.
        case unavailable(String)
    }

    /// Where Debian puts Chromium.
    static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]

    /// The Chromium to print with: `configured` when given, else the first candidate that exists.
    static func executable(_ configured: String?) -> String? {
        if let configured { return FileManager.default.isExecutableFile(atPath: configured) ? configured : nil }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Prints `html` (a local file) to `out`; at most `timeoutS` seconds, after which Chromium is stopped.
    static func print(html: String, to out: String, chromium: String?, timeoutS: Double = 120) async -> Outcome {
        guard let exe = executable(chromium) else { return .unavailable("chromium is not installed") }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("niihub-pdf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        // Its own profile folder, so a Chromium a person has open (or another report) does not share state.
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(profile.path)", "--no-pdf-header-footer", "--print-to-pdf=\(out)",
            URL(fileURLWithPath: html).absoluteString,
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let ended = Ended()
        let status: Int32? = await withCheckedContinuation { (done: CheckedContinuation<Int32?, Never>) in
            p.terminationHandler = { process in
                ended.done.withLock { $0 = true }
                done.resume(returning: process.terminationStatus)
            }
            do { try p.run() } catch {
                p.terminationHandler = nil
                done.resume(returning: nil)
                return
            }
            // A Chromium that hangs is stopped (only while it runs: its id is not reused before it is reaped);
            // its termination then resumes the wait.
            let pid = p.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeoutS) {
                ended.done.withLock { if !$0 { _ = kill(pid, SIGTERM) } }
            }
        }
        guard let status else { return .unavailable("chromium could not be started") }
        let size = (try? FileManager.default.attributesOfItem(atPath: out))?[.size] as? Int ?? 0
        return status == 0 && size > 0 ? .printed : .unavailable("chromium exited with \(status) and no PDF")
    }
}

/// Whether a printing Chromium has ended (so a late timeout leaves another process alone).
private final class Ended: Sendable {
    let done = Mutex(false)
}
