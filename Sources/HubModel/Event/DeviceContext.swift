/// Where a device stands and how its readings are judged: what the normalizer needs besides the reading.
public struct DeviceContext: Sendable, Equatable {
    public var device: DeviceRef
    public var site: String?
    public var lane: String?
    /// Named limits from the device profile (`gammaBackgroundHighCps`, …).
    public var thresholds: [String: Double]

    public init(device: DeviceRef, site: String?, lane: String?, thresholds: [String: Double] = [:]) {
        self.device = device
        self.site = site
        self.lane = lane
        self.thresholds = thresholds
    }
}
