import Crypto
import Foundation
import HubDevices
import HubIngest
import HubModel
import HubStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// Takes result files a device writes into a folder (scanners, N42 instruments). A file is taken
/// only when complete: renamed into place (names starting with `.` or ending in `.tmp`/`.part` are
/// still being written), or, with `completion: marker`, once `<name>.done` appears. Each file is
/// decoded whole and stored in one transaction together with its ledger entry, then moved to
/// `processed/`, or to `quarantine/` with a `<name>.reason` note. A file found again after a crash
/// between the two steps is recognised by the ledger and only moved, so it counts exactly once.
public struct FileDropService: Service {
    public let device: DeviceInstance
    private let sink: IngestSink
    private let ids: EventIDGenerator
    private let logger: Logger
    /// Where the images a scan result document names are kept (scanner folders).
    private let blobs: BlobStore?

    public init?(device: DeviceInstance, sink: IngestSink, ids: EventIDGenerator, logger: Logger, blobs: BlobStore? = nil) {
        guard device.folder != nil else { return nil }
        self.blobs = blobs
        self.device = device
        self.sink = sink
        self.ids = ids
        var logger = logger
        logger[metadataKey: "device"] = "\(device.id)"
        self.logger = logger
    }

    var inbox: String { device.folder! }
    var settings: DeviceProfile.FileDropSettings { device.profile.transport.file }

    public func run() async throws {
        let fm = FileManager.default
        do {
            for sub in ["", "processed", "quarantine"] {
                try fm.createDirectory(atPath: (inbox as NSString).appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        } catch {
            await sink.link(device.id, .down, error: "cannot prepare \(inbox): \(error)")
            return
        }
        guard DeviceSession(device: device, ids: ids) != nil else {
            await sink.link(device.id, .down, error: "no driver for protocol \(device.profile.protocol)")
            return
        }
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0, inotify_add_watch(fd, inbox, UInt32(IN_MOVED_TO | IN_CLOSE_WRITE)) >= 0 else {
            await sink.link(device.id, .down, error: "inotify on \(inbox): \(String(cString: strerror(errno)))")
            if fd >= 0 { close(fd) }
            return
        }
        let watch: NIOAsyncChannel<ByteBuffer, Never>
        do {
            // Once handed over, the descriptor is NIO's even when setting the channel up fails (NIO
            // closes it then): it is never closed here, since its number may already be reused.
            watch = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16_384))
                .takingOwnershipOfDescriptor(input: fd) { ch in
                    ch.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: ch) }
                }
        } catch {
            await sink.link(device.id, .down, error: "cannot watch \(inbox): \(error)")
            return
        }
        await sink.link(device.id, .up)
        logger.info("watching folder", metadata: ["folder": "\(inbox)", "completion": "\(settings.completion)"])
        await cancelWhenGracefulShutdown {
            var session = DeviceSession(device: device, ids: ids)!
            let inbox = self.inbox
            let marked = { (name: String) in fm.fileExists(atPath: (inbox as NSString).appendingPathComponent(name + ".done")) }
            // Files that arrived while the hub was down come first.
            for name in (try? fm.contentsOfDirectory(atPath: inbox).sorted()) ?? [] {
                if let target = FileDropRule.target(ofCompleted: name, completion: settings.completion, initialScan: true, marked: marked) {
                    await take(target, session: &session)
                }
            }
            do {
                try await watch.executeThenClose { inbound, _ in
                    for try await buffer in inbound {
                        for (name, renamedIn) in FileDropRule.names(inInotifyEvents: Array(buffer.readableBytesView)) {
                            // Rename mode takes only names renamed into place; a file closed after
                            // writing in place may be reopened, so only a marker may arrive that way.
                            if settings.completion == .rename && !renamedIn { continue }
                            if let target = FileDropRule.target(ofCompleted: name, completion: settings.completion, initialScan: false, marked: marked) {
                                await take(target, session: &session)
                            }
                        }
                    }
                }
            } catch where !Task.isCancelled {
                logger.warning("folder watch ended", metadata: ["error": "\(error)"])
            } catch {
                // Shutting down: the watch was cancelled on purpose.
            }
        }
        await sink.link(device.id, .down, error: "hub stopped")
    }

    private func take(_ name: String, session: inout DeviceSession) async {
        // Only the documents (a scanner's images wait beside them for their document to name them).
        if let accepted = settings.extensions, !accepted.contains((name as NSString).pathExtension.lowercased()) { return }
        // Never through a symbolic link, only a regular file, at most maxFileBytes read (FileDropRead).
        let bytes: [UInt8]
        switch FileDropRead.read(name, in: inbox, maxBytes: settings.maxFileBytes) {
        case .skip: return
        case .refused(let reason, let counter):
            await refuse(name, reason: reason, counter: counter)
            return
        case .bytes(let read): bytes = read
        }
        let size = bytes.count
        let sha = Hex.encode(SHA256.hash(data: bytes))
        if let earlier = try? await sink.store.ingestedFile(deviceID: device.id, name: name, sha256: sha) {
            // Stored before a crash, not yet moved: finish the move only.
            move(name, to: earlier.outcome == "processed" ? "processed" : "quarantine", reason: earlier.reason)
            return
        }
        var (batch, counted) = session.decodeWhole(bytes)
        let images = collectImages(&batch)
        let unusable = batch.events.isEmpty && counted.rejectedTotal > 0
        let reason = unusable ? "not a \(device.profile.protocol) document: \(counted.rejected.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", "))" : nil
        var marked = batch
        let outcome = unusable ? "quarantined" : "processed"
        marked.files.append(IngestedFile(deviceID: device.id, name: name, sha256: sha, size: size, outcome: outcome, reason: reason))
        guard await sink.deliver(deviceID: device.id, batch: marked, counted: counted) else {
            logger.error("file not stored; left in place for the next start", metadata: ["file": "\(name)"])
            return
        }
        move(name, to: unusable ? "quarantine" : "processed", reason: reason)
        for image in images { move(image, to: "processed", reason: nil) }
        logger.info("file taken", metadata: ["file": "\(name)", "events": "\(batch.events.count)", "outcome": "\(outcome)"])
    }

    /// A scanner writes its images beside the result document (or under `images/`): each one the
    /// document names is read, checked against its declared SHA-256 and kept in the blob store; the
    /// event says which were stored and which were missing or did not match. Returns the image files
    /// to move to `processed/` with the document.
    private func collectImages(_ batch: inout IngestBatch) -> [String] {
        guard let blobs else { return [] }
        var taken: [String] = []
        for i in batch.events.indices {
            guard var scan = batch.events[i].scanResult, let images = scan.images else { continue }
            var stored: [String] = []
            var problems: [String] = []
            for image in images {
                let name = image.name, declared = image.sha256
                guard !name.contains(".."), !name.hasPrefix("/") else { continue }
                // Beside the document or under images/, read as safely as the document itself.
                var found: (relative: String, data: Data)?
                var refusal: String?
                for candidate in [name, "images/" + name] where found == nil && refusal == nil {
                    switch FileDropRead.read(candidate, in: inbox, maxBytes: settings.maxFileBytes) {
                    case .bytes(let read): found = (candidate, Data(read))
                    case .refused(let reason, _): refusal = reason
                    case .skip: continue
                    }
                }
                guard let (relative, data) = found else {
                    problems.append("\(name): \(refusal ?? "not in the folder")")
                    continue
                }
                let actual = Hex.encode(SHA256.hash(data: data))
                guard actual == declared.lowercased() else {
                    problems.append("\(name): sha256 is \(actual), the document says \(declared)")
                    continue
                }
                do {
                    try blobs.put(data)
                    stored.append(actual)
                    taken.append(relative)
                } catch {
                    problems.append("\(name): not stored (\(error))")
                }
            }
            scan.imagesStored = stored
            if !problems.isEmpty { scan.imageProblems = problems }
            batch.events[i].payload = scan.payload
        }
        return taken
    }

    /// Quarantine without decoding (a link, not a regular file, too big, unreadable): recorded in the
    /// ledger and counted in the device's rejects under `counter`.
    private func refuse(_ name: String, reason: String, counter: DecodeCounters.Reject) async {
        logger.warning("file refused", metadata: ["file": "\(name)", "reason": "\(reason)"])
        let record = IngestedFile(deviceID: device.id, name: name, sha256: "-", size: 0, outcome: "quarantined", reason: reason)
        var counted = DecodeCounters()
        counted.reject(counter)
        _ = await sink.deliver(deviceID: device.id, batch: IngestBatch(files: [record]), counted: counted)
        move(name, to: "quarantine", reason: reason)
    }

    private func move(_ name: String, to folder: String, reason: String?) {
        let fm = FileManager.default
        let from = (inbox as NSString).appendingPathComponent(name)
        let dir = (inbox as NSString).appendingPathComponent(folder)
        var to = (dir as NSString).appendingPathComponent((name as NSString).lastPathComponent)
        if fm.fileExists(atPath: to) { to += ".\(Int(Date().timeIntervalSince1970 * 1000))" }
        do {
            try fm.moveItem(atPath: from, toPath: to)
            if let reason { try Data((reason + "\n").utf8).write(to: URL(fileURLWithPath: to + ".reason")) }
            let marker = from + ".done"
            if fm.fileExists(atPath: marker) { try? fm.removeItem(atPath: marker) }
        } catch {
            logger.error("cannot move file", metadata: ["file": "\(name)", "to": "\(folder)", "error": "\(error)"])
        }
    }
}

/// Which names in a drop folder are complete files to take: pure rules, tested on their own.
public enum FileDropRule {
    /// The file to take when `name` shows up, or nil. Temporary names are never taken; a `.done`
    /// marker names its file; in marker mode a file waits for its marker.
    public static func target(
        ofCompleted name: String, completion: DeviceProfile.FileDropSettings.Completion, initialScan: Bool,
        marked: (String) -> Bool
    ) -> String? {
        if name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || name.hasSuffix(".reason") {
            return nil
        }
        if name.hasSuffix(".done") {
            return completion == .marker ? String(name.dropLast(5)) : nil
        }
        switch completion {
        case .rename: return name
        case .marker:
            // Without its marker a file may still be growing; at start-up, take only marked ones.
            return initialScan && marked(name) ? name : nil
        }
    }

    /// File names in a buffer of `struct inotify_event` records, and whether each was renamed into
    /// the folder (`IN_MOVED_TO`) rather than closed after writing.
    public static func names(inInotifyEvents bytes: [UInt8]) -> [(name: String, renamedIn: Bool)] {
        var out: [(name: String, renamedIn: Bool)] = []
        var i = 0
        while i + 16 <= bytes.count {
            let mask = UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16 | UInt32(bytes[i + 7]) << 24
            let len = Int(UInt32(bytes[i + 12]) | UInt32(bytes[i + 13]) << 8 | UInt32(bytes[i + 14]) << 16 | UInt32(bytes[i + 15]) << 24)
            let start = i + 16
            let end = min(start + len, bytes.count)
            let nameBytes = bytes[start..<end].prefix { $0 != 0 }
            if !nameBytes.isEmpty {
                out.append((String(decoding: nameBytes, as: UTF8.self), mask & UInt32(IN_MOVED_TO) != 0))
            }
            i = start + len
        }
        return out
    }
}
