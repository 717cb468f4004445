/// One truck of a simulated queue: how it drives, what it carries and what goes wrong around it.
/// Every field's zero value is the plainest case (no stop, no fault, no scan), so a shrinking
/// property test that drives fields towards zero reaches the simplest queue that still fails.
public struct TruckPlan: Sendable, Equatable, Codable {
    /// Which lane (0-based) it queues in; lanes beyond the queue's count wrap around.
    public var lane: Int
    /// Bumper to bumper, metres (12–20).
    public var lengthM: Double
    /// Its speed through the lane when free, km/h (3–25).
    public var speedKmh: Double
    /// Seconds after the truck ahead in its lane reached the lane's start that this one would
    /// reach it; 0 queues it nose to tail (2 m behind).
    public var headwayS: Double
    /// A stop: `atM` is where its front stands (inside the portal when 0 < atM < length).
    public var stop: Stop?
    /// Containers on board (0–2).
    public var containers: Int
    public var gammaAlarm: Bool
    public var scan: Scan?
    public var faults: Faults

    public struct Stop: Sendable, Equatable, Codable {
        public var atM: Double
        public var seconds: Double
        public init(atM: Double, seconds: Double) {
            self.atM = atM
            self.seconds = seconds
        }
    }

    public struct Scan: Sendable, Equatable, Codable {
        public var suspect: Bool
        /// Seconds after the scan started that its result reaches the hub (35 s and up; minutes when
        /// an operator judges it first).
        public var delayS: Double
        public init(suspect: Bool, delayS: Double) {
            self.suspect = suspect
            self.delayS = delayS
        }
    }

    /// What the cameras get wrong on this truck.
    public struct Faults: Sendable, Equatable, Codable {
        /// The plate read never comes.
        public var missPlate = false
        /// The first container's read never comes.
        public var missContainer = false
        /// The plate (or, without a plate read, the first container) is read twice within a second.
        public var duplicate = false
        /// The plate read has one confusable character swapped (and the first container's, if any).
        public var misread = false
        /// A neighbouring lane's front camera reads this truck's plate too, at the same moment as
        /// its own lane's camera (only in queues of two lanes or more, and only when its own read
        /// is not missed: see `LaneTraffic`).
        public var neighbourRead = false

        public init(missPlate: Bool = false, missContainer: Bool = false, duplicate: Bool = false, misread: Bool = false, neighbourRead: Bool = false) {
            self.missPlate = missPlate
            self.missContainer = missContainer
            self.duplicate = duplicate
            self.misread = misread
            self.neighbourRead = neighbourRead
        }
    }

    public init(
        lane: Int = 0, lengthM: Double = 16, speedKmh: Double = 10, headwayS: Double = 30, stop: Stop? = nil, containers: Int = 1,
        gammaAlarm: Bool = false, scan: Scan? = nil, faults: Faults = Faults()
    ) {
        self.lane = lane
        self.lengthM = lengthM
        self.speedKmh = speedKmh
        self.headwayS = headwayS
        self.stop = stop
        self.containers = containers
        self.gammaAlarm = gammaAlarm
        self.scan = scan
        self.faults = faults
    }
}

/// A whole queue: trucks in the order they reach the lanes, and the devices' clock errors.
public struct QueuePlan: Sendable, Equatable, Codable {
    public var lanes: Int
    public var trucks: [TruckPlan]
    /// Each device's clock error, seconds, by device id (missing: exact). Keep within half the
    /// assembler's `clockToleranceS`, so two devices disagree by no more than the tolerance.
    public var skewS: [String: Double]
    /// The most a camera or portal event waits between the device and the hub, seconds.
    public var jitterS: Double

    public init(lanes: Int = 1, trucks: [TruckPlan], skewS: [String: Double] = [:], jitterS: Double = 0) {
        self.lanes = max(1, lanes)
        self.trucks = trucks
        self.skewS = skewS
        self.jitterS = jitterS
    }
}
