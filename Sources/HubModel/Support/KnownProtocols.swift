/// The protocol names the hub has a driver for (a profile's `protocol:`, `niihub decode --protocol`),
/// in registration order, each with the device family it belongs to (a profile's `family:`), so a
/// profile is checked against both without the profile loader knowing the drivers.
public struct KnownProtocols: Sendable, Equatable, RandomAccessCollection, ExpressibleByArrayLiteral {
    private var names: [String]
    private var families: [String: String]

    /// Protocols with their families (protocol name, family name), in order.
    public init(_ protocols: [(name: String, family: String)]) {
        names = protocols.map(\.name)
        families = Dictionary(protocols.map { ($0.name, $0.family) }, uniquingKeysWith: { first, _ in first })
    }

    /// Names only: profiles naming them are accepted whatever family they give.
    public init(arrayLiteral names: String...) {
        self.names = names
        families = [:]
    }

    /// The family a profile speaking `protocolName` must name; nil when it is not known.
    public func family(of protocolName: String) -> String? { families[protocolName] }

    public var startIndex: Int { names.startIndex }
    public var endIndex: Int { names.endIndex }
    public subscript(position: Int) -> String { names[position] }
}
