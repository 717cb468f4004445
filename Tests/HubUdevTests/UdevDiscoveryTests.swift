import Foundation
import HubDevices
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// libudev against umockdev's fake devices. These run only under `umockdev-wrapper` (make test
/// runs them so); elsewhere udev shows the real machine, which tests must not depend on.
/// One testbed at a time: umockdev's sandbox is process-wide, so every udev suite nests here.
@Suite(.enabled(if: FakeUdevBed.active, "needs umockdev-wrapper"), .serialized)
enum UdevTests {}

/// Without the preload the suites above skip, which is right for a plain `swift test` but would let
/// `make test` pass having tested no USB at all: there NIIHUB_REQUIRE_UMOCKDEV=1 turns it into a failure.
@Test(.enabled(if: FakeUdevBed.required, "only where umockdev is required (make test)"))
func umockdevPreloadIsInPlaceWhereRequired() {
    #expect(
        FakeUdevBed.active,
        "NIIHUB_REQUIRE_UMOCKDEV=1 but umockdev's preload library is not loaded (LD_PRELOAD=\(ProcessInfo.processInfo.environment["LD_PRELOAD"] ?? "unset")): run the udev suites under umockdev-wrapper, or install umockdev")
}

extension UdevTests {
@Suite struct Discovery {
    @Test func enumeratesAFakeFTDIAdapterWithItsIdentity() {
        let bed = FakeUdevBed()
        _ = bed.addUSBSerial(vendor: "0403", product: "6001", serial: "FT4X7Q2A")
        let ports = Udev.serialPorts()
        let port = ports.first { $0.devnode == "/dev/ttyUSB0" }
        #expect(port?.vendorID == "0403")
        #expect(port?.productID == "6001")
        #expect(port?.serial == "FT4X7Q2A")
        #expect(port?.interfaceNumber == "00")
        #expect(port?.idPath == "pci-0000:00:14.0-usb-0:2:1.0")
    }

    @Test func theMonitorSeesPlugAndUnplug() async throws {
        let bed = FakeUdevBed()
        let monitor = try #require(UdevMonitor())
        defer { monitor.stop() }
        let (usb, tty) = bed.addUSBSerial(vendor: "1546", product: "01a7", serial: "GNSS1", tty: "ttyACM0")
        // Unplug: the remove uevent first, while the device still exists to be described.
        bed.uevent(tty, "remove")
        bed.remove(usb)
        var seen: [(UdevEvent.Action, String?)] = []
        for await e in monitor.events {
            seen.append((e.action, e.device.devnode))
            if seen.count == 2 { break }
        }
        #expect(seen.map(\.0) == [.add, .remove])
        #expect(seen.first?.1 == "/dev/ttyACM0")
    }

    @Test func bytesWrittenToTheFakeTTYArriveAtItsNode() throws {
        let bed = FakeUdevBed()
        _ = bed.addUSBSerial(vendor: "0403", product: "6001", serial: "FTBYTES", tty: "ttyUSB3", minor: 3)
        let fd = try SerialPort.open(path: "/dev/ttyUSB3", settings: SerialSettings())
        defer { close(fd) }
        let device = bed.deviceSide("/dev/ttyUSB3")
        let line = Array("GX,000001,000000\r\n".utf8)
        #expect(line.withUnsafeBytes { write(device, $0.baseAddress, $0.count) } == line.count)
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&p, 1, 2000) == 1)
        var buf = [UInt8](repeating: 0, count: 64)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 64) }
        #expect(Array(buf.prefix(max(n, 0))) == line)
    }
}
}
