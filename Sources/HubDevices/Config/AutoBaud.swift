/// What a line that says `baud: auto` tries, in order: every speed at the first framing, then every
/// speed at the next, and round again until the driver recognises frames (as gpsd hunts).
public struct AutoBaud: Sendable, Equatable {
    /// Candidate speeds, each one of `SerialSettings.supportedBauds`.
    public var bauds: [Int]
    /// Candidate framings (`8N1`, `7E1`, …).
    public var framings: [SerialFraming]

    /// gpsd's order: the common NMEA speed first, then the rest from the likeliest.
    public static let defaultBauds = [9600, 4800, 38400, 19200, 57600, 115_200, 230_400]
    /// 8N1 nearly everywhere; 7E1 on older instruments.
    public static let defaultFramings = [SerialFraming(dataBits: 8, parity: .none, stopBits: 1),
                                         SerialFraming(dataBits: 7, parity: .even, stopBits: 1)]

    public init(bauds: [Int] = Self.defaultBauds, framings: [SerialFraming] = Self.defaultFramings) {
        self.bauds = bauds
        self.framings = framings
    }

    /// Every candidate as concrete line settings (flow control from `base`), in hunting order.
    public func candidates(base: SerialSettings) -> [SerialSettings] {
        framings.flatMap { f in
            bauds.map { b in
                var s = base
                s.auto = nil
                s.baud = b
                s.framing = f
                return s
            }
        }
    }

    /// `9600/4800/38400 8N1/7E1`
    public var summary: String {
        bauds.map(String.init).joined(separator: "/") + " " + framings.map(\.description).joined(separator: "/")
    }
}

/// Character size, parity and stop bits, written as `8N1`.
public struct SerialFraming: Sendable, Hashable, CustomStringConvertible {
    public var dataBits: Int
    public var parity: SerialSettings.Parity
    public var stopBits: Int

    public init(dataBits: Int, parity: SerialSettings.Parity, stopBits: Int) {
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
    }

    /// Reads `8N1`, `7E1`, `8O2`…: data bits 5 to 8, parity N, E or O, stop bits 1 or 2.
    public init?(_ text: String) {
        let c = Array(text.uppercased())
        guard c.count == 3, let d = Int(String(c[0])), (5...8).contains(d), let s = Int(String(c[2])), s == 1 || s == 2
        else { return nil }
        switch c[1] {
        case "N": parity = .none
        case "E": parity = .even
        case "O": parity = .odd
        default: return nil
        }
        dataBits = d
        stopBits = s
    }

    public var description: String {
        "\(dataBits)\(parity == .none ? "N" : parity == .even ? "E" : "O")\(stopBits)"
    }
}
