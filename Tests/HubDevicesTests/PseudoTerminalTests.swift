import Dispatch
import Foundation
import Glibc
import HubDevices
import Synchronization
import Testing

/// Pseudo-terminals made on many threads at once, as the test suites make them when they start
/// together: each names its own slave. `ptsname` answers in one static buffer for the whole
/// process, so a terminal made while another was being made could take the other's name: two
/// hubs then read one terminal (SwiftNIO's "readable, then nothing to read" assert) and nobody
/// reads the other.
struct PseudoTerminalTests {
    @Test func terminalsMadeAtOnceEachNameTheirOwnSlave() throws {
        for _ in 0..<8 {
            let made = Mutex<[PseudoTerminal]>([])
            DispatchQueue.concurrentPerform(iterations: 64) { _ in
                if let p = try? PseudoTerminal() { made.withLock { $0.append(p) } }
            }
            let ptys = made.withLock { $0 }
            #expect(ptys.count == 64)
            #expect(Set(ptys.map(\.slavePath)).count == ptys.count, "\(ptys.map(\.slavePath).sorted())")
            // What each master writes comes out of the slave it names.
            for (i, p) in ptys.enumerated() where i % 8 == 0 {
                let fd = open(p.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
                #expect(fd >= 0)
                let tag = Array("pty \(i)\n".utf8)
                #expect(p.write(tag) == tag.count)
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                var buf = [UInt8](repeating: 0, count: 64)
                let n = poll(&pfd, 1, 1000) > 0 ? buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 64) } : 0
                #expect(Array(buf.prefix(max(n, 0))) == tag, "\(p.slavePath)")
                close(fd)
            }
            ptys.forEach { $0.close() }
        }
    }
}
