import CUMockdev
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A umockdev testbed: fake sysfs devices, their /dev nodes (a pty behind a tty node) and uevents,
/// seen by libudev in this process when the tests run under `umockdev-wrapper`.
final class FakeUdevBed: @unchecked Sendable {
    // The testbed is a GObject used only from the test that owns it.
    private let testbed: UnsafeMutablePointer<CUMockdev.UMockdevTestbed>

    /// True when the process runs under `umockdev-wrapper` and its preload library really is loaded
    /// (named in LD_PRELOAD and already in the process: a preload the loader could not find is only named).
    static var active: Bool {
        guard ProcessInfo.processInfo.environment["LD_PRELOAD"]?.contains("libumockdev-preload") == true else { return false }
        // RTLD_NOLOAD loads nothing: it answers whether the library is already there.
        guard let handle = dlopen("libumockdev-preload.so.0", RTLD_LAZY | RTLD_NOLOAD) else { return false }
        dlclose(handle)
        return true
    }

    /// True when the run must have umockdev (`make test` sets NIIHUB_REQUIRE_UMOCKDEV=1 on the line
    /// that runs these suites under the wrapper): a missing preload then fails instead of skipping.
    static var required: Bool { ProcessInfo.processInfo.environment["NIIHUB_REQUIRE_UMOCKDEV"] == "1" }

    init() {
        testbed = umockdev_testbed_new()
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(testbed)) }

    /// Adds a device; returns its syspath.
    @discardableResult
    func add(subsystem: String, name: String, parent: String?, attributes: [String: String], properties: [String: String])
        -> String
    {
        func list(_ d: [String: String]) -> [UnsafeMutablePointer<CChar>?] {
            d.sorted { $0.key < $1.key }.flatMap { [strdup($0.key), strdup($0.value)] } + [nil]
        }
        var attrs = list(attributes)
        var props = list(properties)
        defer { (attrs + props).forEach { free($0) } }
        let path = umockdev_testbed_add_devicev(testbed, subsystem, name, parent, &attrs, &props)!
        defer { g_free(path) }
        return String(cString: path)
    }

    func uevent(_ syspath: String, _ action: String) { umockdev_testbed_uevent(testbed, syspath, action) }

    func remove(_ syspath: String) { umockdev_testbed_remove_device(testbed, syspath) }

    /// The other end of a fake device node: what the "device" writes here, the hub reads.
    func deviceSide(_ devnode: String) -> CInt { umockdev_testbed_get_dev_fd(testbed, devnode) }

    /// A USB-serial adapter with one tty, as the kernel shows an FTDI cable: returns (usb, tty) syspaths.
    /// Adding emits the `add` uevent itself; the node `/dev/<tty>` is backed by a pty.
    func addUSBSerial(vendor: String, product: String, serial: String, tty: String = "ttyUSB0", minor: Int = 0)
        -> (String, String)
    {
        let usb = add(
            subsystem: "usb", name: "usb-\(serial)-\(tty)", parent: nil,
            attributes: ["idVendor": vendor, "idProduct": product, "serial": serial, "manufacturer": "FTDI",
                         "product": "FT232R USB UART"],
            properties: ["DEVTYPE": "usb_device"])
        let intf = add(
            subsystem: "usb", name: "usb-\(serial)-\(tty):1.0", parent: usb, attributes: ["bInterfaceNumber": "00"],
            properties: ["DEVTYPE": "usb_interface"])
        // The record form is the one way to give a device a /dev node (`N:`), which umockdev backs with a pty.
        // Syspaths read `/sys/devices/…`; a record names the device path below /sys.
        let devpath = String(intf.dropFirst("/sys".count)) + "/" + tty
        let record = """
            P: \(devpath)
            N: \(tty)
            E: SUBSYSTEM=tty
            E: DEVNAME=/dev/\(tty)
            E: ID_PATH=pci-0000:00:14.0-usb-0:2:1.0
            A: dev=188:\(minor)

            """
        var error: UnsafeMutablePointer<GError>?
        let ok = umockdev_testbed_add_from_string(testbed, record, &error)
        if ok == 0 {
            let message = error.map { String(cString: $0.pointee.message) } ?? "?"
            fatalError("umockdev record refused: \(message)")
        }
        return (usb, "/sys" + devpath)
    }
}
