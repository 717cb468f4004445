import CLibUdev
import Foundation
import Synchronization

/// libudev: the serial ports present now, and a monitor of ports coming and going.
public enum Udev {
    /// Every `tty` device with a device node, with its USB parent's identity where it has one.
    public static func serialPorts() -> [UdevDevice] {
        guard let udev = udev_new() else { return [] }
        defer { udev_unref(udev) }
        guard let e = udev_enumerate_new(udev) else { return [] }
        defer { udev_enumerate_unref(e) }
        udev_enumerate_add_match_subsystem(e, "tty")
        udev_enumerate_scan_devices(e)
        var out: [UdevDevice] = []
        var entry = udev_enumerate_get_list_entry(e)
        while let item = entry {
            if let path = udev_list_entry_get_name(item), let dev = udev_device_new_from_syspath(udev, path) {
                let d = describe(dev)
                udev_device_unref(dev)
                // Virtual terminals and consoles are not device ports.
                if d.devnode != nil, !d.syspath.contains("/virtual/") { out.append(d) }
            }
            entry = udev_list_entry_get_next(item)
        }
        return out.sorted { ($0.devnode ?? "") < ($1.devnode ?? "") }
    }

    static func describe(_ dev: OpaquePointer) -> UdevDevice {
        func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        var d = UdevDevice(
            syspath: string(udev_device_get_syspath(dev)) ?? "", subsystem: string(udev_device_get_subsystem(dev)) ?? "",
            devnode: string(udev_device_get_devnode(dev)))
        d.idPath = string(udev_device_get_property_value(dev, "ID_PATH"))
        if let usb = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device") {
            d.vendorID = string(udev_device_get_sysattr_value(usb, "idVendor"))?.lowercased()
            d.productID = string(udev_device_get_sysattr_value(usb, "idProduct"))?.lowercased()
            d.serial = string(udev_device_get_sysattr_value(usb, "serial"))
            d.manufacturer = string(udev_device_get_sysattr_value(usb, "manufacturer"))
            d.product = string(udev_device_get_sysattr_value(usb, "product"))
        }
        if let intf = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_interface") {
            d.interfaceNumber = string(udev_device_get_sysattr_value(intf, "bInterfaceNumber"))
        }
        return d
    }
}

/// A change udev announced.
public struct UdevEvent: Sendable, Equatable {
    public enum Action: String, Sendable { case add, remove, change, bind, unbind, other }
    public var action: Action
    public var device: UdevDevice
}

/// Watches udev's netlink feed for `tty` devices on a thread of its own (libudev's receive is a
/// blocking, non-async call) and hands each event on as an async sequence.
public final class UdevMonitor: Sendable {
    public let events: AsyncStream<UdevEvent>
    private let continuation: AsyncStream<UdevEvent>.Continuation
    private let stopped = StopFlag()

    /// Starts watching; nil when udev's monitor cannot be opened (no netlink, no udev).
    public init?() {
        guard let udev = udev_new() else { return nil }
        guard let mon = udev_monitor_new_from_netlink(udev, "udev") else {
            udev_unref(udev)
            return nil
        }
        udev_monitor_filter_add_match_subsystem_devtype(mon, "tty", nil)
        guard udev_monitor_enable_receiving(mon) == 0 else {
            udev_monitor_unref(mon)
            udev_unref(udev)
            return nil
        }
        (events, continuation) = AsyncStream.makeStream(of: UdevEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let handles = UdevHandles(udev: udev, monitor: mon)
        let thread = Thread { [continuation, stopped] in
            let fd = udev_monitor_get_fd(handles.monitor)
            while !stopped.isSet {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 100) > 0 else { continue }
                guard let dev = udev_monitor_receive_device(handles.monitor) else { continue }
                let action = udev_device_get_action(dev).map { String(cString: $0) } ?? ""
                let event = UdevEvent(action: UdevEvent.Action(rawValue: action) ?? .other, device: Udev.describe(dev))
                udev_device_unref(dev)
                continuation.yield(event)
            }
            udev_monitor_unref(handles.monitor)
            udev_unref(handles.udev)
            continuation.finish()
        }
        thread.name = "udev-monitor"
        thread.start()
    }

    /// Stops the watching thread (within a tenth of a second).
    public func stop() { stopped.set() }

    deinit { stop() }
}

/// A flag the owner sets and the monitor thread reads.
private final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}

/// libudev handles handed to the monitor thread, which alone uses them.
private struct UdevHandles: @unchecked Sendable {
    let udev: OpaquePointer
    let monitor: OpaquePointer
}
