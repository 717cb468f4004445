/// A device as udev describes it: a serial port (`tty`) and, when it hangs off USB, the USB
/// device's identity. What profiles and site pins are matched against.
public struct UdevDevice: Sendable, Equatable, Codable {
    /// `/sys/devices/…`
    public var syspath: String
    public var subsystem: String
    /// `/dev/ttyUSB0`, when the device has a node.
    public var devnode: String?
    /// Lower-case hex, four digits.
    public var vendorID: String?
    public var productID: String?
    public var serial: String?
    /// `bInterfaceNumber` of the USB interface the tty belongs to (multi-port adapters).
    public var interfaceNumber: String?
    public var manufacturer: String?
    public var product: String?
    /// `ID_PATH` (the physical port), stable while the device stays in the same socket.
    public var idPath: String?

    public init(
        syspath: String, subsystem: String, devnode: String? = nil, vendorID: String? = nil, productID: String? = nil,
        serial: String? = nil, interfaceNumber: String? = nil, manufacturer: String? = nil, product: String? = nil,
        idPath: String? = nil
    ) {
        self.syspath = syspath
        self.subsystem = subsystem
        self.devnode = devnode
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.interfaceNumber = interfaceNumber
        self.manufacturer = manufacturer
        self.product = product
        self.idPath = idPath
    }

    /// `0403:6001`
    public var usbID: String? {
        guard let v = vendorID, let p = productID else { return nil }
        return "\(v):\(p)"
    }
}
