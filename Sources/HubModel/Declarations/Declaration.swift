import Foundation

/// A customs declaration as the hub needs it to link devices' observations: who, what and where,
/// drawn from the WCO data model (declaration number, UCR, trader, transport equipment, seals,
/// border transport means, goods, office) plus the channel the risk system assigned.
public struct Declaration: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case `import`, export, transit }
    public enum Channel: String, Sendable, Codable, CaseIterable, Comparable {
        /// No check.
        case green
        /// Documents checked.
        case yellow
        /// Documents and a physical inspection.
        case red

        var rank: Int { self == .green ? 0 : self == .yellow ? 1 : 2 }
        public static func < (a: Channel, b: Channel) -> Bool { a.rank < b.rank }
    }
    public enum Status: String, Sendable, Codable { case active, cancelled }

    public struct Trader: Sendable, Equatable, Codable {
        /// Tax identification number.
        public var tin: String
        public var name: String?
        /// Authorised Economic Operator.
        public var aeo: Bool
        /// `high`, `medium` or `low`.
        public var complianceLevel: String?

        public init(tin: String, name: String? = nil, aeo: Bool = false, complianceLevel: String? = nil) {
            self.tin = tin
            self.name = name
            self.aeo = aeo
            self.complianceLevel = complianceLevel
        }
    }

    public struct GoodsLine: Sendable, Equatable, Codable {
        /// Harmonized System code, 6 to 10 digits.
        public var hsCode: String
        public var description: String?
        public var quantity: Double?
        public var unit: String?
    }

    public struct Transit: Sendable, Equatable, Codable {
        /// Customs office codes.
        public var origin: String
        public var destination: String
        /// The route as a polyline of [lat, lon] points, or the name of a route in the config.
        public var corridor: [[Double]]?
        public var route: String?
        /// Allowed distance from the corridor, metres.
        public var bufferM: Double?
        public var start: Date
        public var end: Date

        public init(
            origin: String, destination: String, corridor: [[Double]]?, route: String?, bufferM: Double?, start: Date,
            end: Date
        ) {
            self.origin = origin
            self.destination = destination
            self.corridor = corridor
            self.route = route
            self.bufferM = bufferM
            self.start = start
            self.end = end
        }
    }

    public var number: String
    public var ucr: String?
    public var type: Kind
    public var office: String
    public var site: String?
    public var trader: Trader
    /// ISO 6346, normalized.
    public var containers: [String]
    public var seals: [String]
    /// Upper case, separators removed.
    public var plates: [String]
    public var goods: [GoodsLine]
    public var channel: Channel
    public var transit: Transit?
    public var issuedAt: Date?
    /// Set by the hub: 1 for the first document, +1 per amendment.
    public var version: Int
    public var status: Status
    public var cancelReason: String?
    public var receivedAt: Date?

    public init(
        number: String, ucr: String? = nil, type: Kind, office: String, site: String? = nil, trader: Trader,
        containers: [String] = [], seals: [String] = [], plates: [String] = [], goods: [GoodsLine] = [],
        channel: Channel, transit: Transit? = nil, issuedAt: Date? = nil, version: Int = 0, status: Status = .active,
        cancelReason: String? = nil, receivedAt: Date? = nil
    ) {
        self.number = number
        self.ucr = ucr
        self.type = type
        self.office = office
        self.site = site
        self.trader = trader
        self.containers = containers
        self.seals = seals
        self.plates = plates
        self.goods = goods
        self.channel = channel
        self.transit = transit
        self.issuedAt = issuedAt
        self.version = version
        self.status = status
        self.cancelReason = cancelReason
        self.receivedAt = receivedAt
    }

    /// The identifiers devices can observe, as (kind, value) pairs: what links events to it.
    public var keys: [(kind: String, value: String)] {
        containers.map { ("container", $0) } + seals.map { ("seal", $0) } + plates.map { ("plate", $0) }
            + (ucr.map { [("ucr", $0)] } ?? [])
    }

    /// Plate numbers compare without case, spaces, dashes or dots (`51C-123.45` = `51C12345`).
    public static func normalizePlate(_ s: String) -> String {
        String(s.uppercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}
