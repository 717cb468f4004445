/// The devices of one simulated lane and where they stand, metres from the portal monitor.
public struct LaneDevices: Sendable, Equatable {
    /// A gate camera: before the portal (x < 0) it reads a vehicle's front as it passes, after it
    /// (x > 0) the rear.
    public struct Camera: Sendable, Equatable {
        public var id: String
        public var atM: Double
        public var readsPlate: Bool
        public var readsContainers: Bool
        public init(id: String, atM: Double, readsPlate: Bool, readsContainers: Bool) {
            self.id = id
            self.atM = atM
            self.readsPlate = readsPlate
            self.readsContainers = readsContainers
        }
    }

    /// The lane's name in events (`"1"`, `"2"`, …).
    public var lane: String
    public var portal: String
    public var cameras: [Camera]
    /// A drive-through scanner: it starts scanning when a vehicle's front reaches `scannerAtM`.
    public var scanner: String?
    public var scannerAtM: Double

    public init(lane: String, portal: String, cameras: [Camera], scanner: String?, scannerAtM: Double = 30) {
        self.lane = lane
        self.portal = portal
        self.cameras = cameras
        self.scanner = scanner
        self.scannerAtM = scannerAtM
    }

    /// Lane `n` (1-based) of a simulated gate: portal at 0, a plate camera 8 m before it, a
    /// container camera 6 m behind it reading rears, a scanner 30 m behind it.
    public static func standard(lane n: Int) -> LaneDevices {
        LaneDevices(
            lane: String(n), portal: "rpm-lane\(n)",
            cameras: [
                Camera(id: "ocr-front-lane\(n)", atM: -8, readsPlate: true, readsContainers: false),
                Camera(id: "ocr-rear-lane\(n)", atM: 6, readsPlate: false, readsContainers: true),
            ],
            scanner: "scanner-lane\(n)")
    }

    /// The camera that reads plates, for reads of a neighbouring lane's truck.
    var plateCamera: Camera? { cameras.first { $0.readsPlate } }

    /// Every device with its position, as the site config would give them to the assembler.
    public var positions: [String: Double] {
        var p = [portal: 0.0]
        for c in cameras { p[c.id] = c.atM }
        if let s = scanner { p[s] = scannerAtM }
        return p
    }
}
