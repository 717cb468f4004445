/// Decides which configured device, or which profile, a USB serial port belongs to.
///
/// Generic USB-serial bridges (FTDI, Prolific, WCH, Silicon Labs) are inside all kinds of
/// equipment, so their ids say nothing about what is attached: such a port is taken only when the
/// site config pins that very unit by serial number or physical path.
public struct USBMatcher: Sendable {
    /// Vendor:product ids of general-purpose USB-serial bridges.
    public static let genericAdapters: Set<String> = [
        "0403:6001", "0403:6010", "0403:6011", "0403:6014", "0403:6015",  // FTDI FT232R, FT2232, FT4232, FT232H, FT-X
        "067b:2303", "067b:23a3",  // Prolific PL2303
        "1a86:7523", "1a86:55d4",  // WCH CH340, CH9102
        "10c4:ea60", "10c4:ea70",  // Silicon Labs CP210x
    ]

    /// What became of one port.
    public enum Match: Sendable, Equatable {
        /// A device the site config pins to this unit.
        case pinned(DeviceInstance)
        /// A device model recognised by its own USB ids, attached with an id made from its serial.
        case automatic(DeviceInstance)
        /// Not ours, and why.
        case none(String)
    }

    public let devices: [DeviceInstance]
    public let profiles: [DeviceProfile]
    public let site: String
    public let autoAttach: Bool

    public init(devices: [DeviceInstance], profiles: [DeviceProfile], site: String, autoAttach: Bool) {
        self.devices = devices.filter { $0.usbPin != nil }
        self.profiles = profiles.sorted { $0.model < $1.model }
        self.site = site
        self.autoAttach = autoAttach
    }

    public func match(_ port: UdevDevice) -> Match {
        guard let devnode = port.devnode else { return .none("no device node") }
        guard let usbID = port.usbID else { return .none("not a USB device") }
        for d in devices {
            guard let pin = d.usbPin, pin.matches(port) else { continue }
            // Behind a generic adapter the profile's own ids cannot show; the pin is the identity.
            let ids = d.profile.usb.map { "\($0.vendorID):\($0.productID)" }
            if !Self.genericAdapters.contains(usbID), !ids.isEmpty, !ids.contains(usbID) {
                return .none("pinned to \(d.id), but \(usbID) is not a \(d.profile.model) (\(ids.joined(separator: ", ")))")
            }
            var bound = d
            bound.port = devnode
            return .pinned(bound)
        }
        if Self.genericAdapters.contains(usbID) {
            return .none("\(usbID) is a generic USB-serial adapter; pin it by serial number or path in the site config")
        }
        guard let profile = profiles.first(where: { p in p.usb.contains { "\($0.vendorID):\($0.productID)" == usbID } })
        else { return .none("no profile lists \(usbID)") }
        guard autoAttach else { return .none("matches profile \(profile.model), but usb.autoAttach is off") }
        let suffix = port.serial ?? String(devnode.split(separator: "/").last ?? "")
        let instance = DeviceInstance(
            id: "\(profile.model)-\(suffix)".filter { $0.isLetter || $0.isNumber || "._-".contains($0) },
            profile: profile, site: site, lane: nil, port: devnode, serial: profile.transport.serial ?? SerialSettings())
        return .automatic(instance)
    }
}

/// Which USB unit a configured device is: any of these that are given must agree.
public struct USBPin: Sendable, Equatable {
    public var serial: String?
    /// udev's `ID_PATH`: the physical socket.
    public var path: String?
    public var interface: String?

    public init(serial: String? = nil, path: String? = nil, interface: String? = nil) {
        self.serial = serial
        self.path = path
        self.interface = interface
    }

    func matches(_ port: UdevDevice) -> Bool {
        guard serial != nil || path != nil else { return false }
        if let serial, port.serial != serial { return false }
        if let path, port.idPath != path { return false }
        if let interface, port.interfaceNumber != interface { return false }
        return true
    }
}
