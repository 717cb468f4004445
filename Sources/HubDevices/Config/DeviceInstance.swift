/// A device bound to this site: which model it is, where it stands, and how to reach it.
public struct DeviceInstance: Sendable, Equatable {
    public var id: String
    public var profile: DeviceProfile
    public var site: String
    public var lane: String?
    /// Metres along its lane from the radiation portal monitor (0): negative before it (a camera that
    /// reads approaching vehicles), positive after it (a rear camera, a scanner). Nil: not placed,
    /// matched by time alone. Only a device with a lane has one.
    public var position: Double?
    /// Serial device path (a `/dev/tty…` or a stable symlink to one).
    public var port: String?
    /// The profile's serial settings with this instance's overrides applied.
    public var serial: SerialSettings?
    /// TCP/UDP: the address to listen on (`host:port`), for devices that connect to the hub.
    public var listen: NetworkAddress?
    /// TCP: the address to connect to, for devices that serve.
    public var connect: NetworkAddress?
    /// File drop: the folder the device writes into.
    public var folder: String?
    /// A USB unit this device is, found by udev wherever it is plugged (instead of a fixed `port`).
    public var usbPin: USBPin?
    /// For a listener many units report to: the unit ids (IMEIs) it accepts; nil accepts any.
    public var allowedUnits: [String]?
    /// What a listener does with a unit that is neither in `allowedUnits` nor approved by an admin.
    public var admission: AdmissionPolicy
    /// Seconds east of UTC of the device's clock, for feeds that carry local time without a zone.
    public var utcOffsetSeconds: Int
    public var enabled: Bool

    public init(
        id: String, profile: DeviceProfile, site: String, lane: String?, port: String?, serial: SerialSettings?,
        utcOffsetSeconds: Int = 0, enabled: Bool = true, listen: NetworkAddress? = nil, connect: NetworkAddress? = nil,
        folder: String? = nil, usbPin: USBPin? = nil, allowedUnits: [String]? = nil, admission: AdmissionPolicy? = nil,
        position: Double? = nil
    ) {
        self.position = position
        self.usbPin = usbPin
        self.allowedUnits = allowedUnits
        self.admission = admission ?? (allowedUnits == nil ? .open : .known)
        self.listen = listen
        self.connect = connect
        self.folder = folder
        self.id = id
        self.profile = profile
        self.site = site
        self.lane = lane
        self.port = port
        self.serial = serial
        self.utcOffsetSeconds = utcOffsetSeconds
        self.enabled = enabled
    }

    /// Where the device is reached, whatever its transport: port, address or folder.
    public var endpoint: String? {
        port ?? listen.map { "listen \($0)" } ?? connect.map { "connect \($0)" } ?? folder
    }
}

/// `host:port` (`[::1]:port` for IPv6).
public struct NetworkAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, `[v6]:port` or `:port` (all interfaces).
    public init?(_ text: String) {
        var hostPart: Substring
        var portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        if hostPart.isEmpty { hostPart = "0.0.0.0" }
        guard let p = Int(portPart), (0...65535).contains(p) else { return nil }
        host = String(hostPart)
        port = p
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
