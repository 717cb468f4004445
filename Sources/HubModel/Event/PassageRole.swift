/// What an event of a kind is to a vehicle's passage through a lane. A kind's payload type says it
/// (`EventPayloadBody.passageRole`), so the passage assembler learns a new device family's part in a
/// passage from the kinds its descriptor names, never from a list of kinds of its own.
public enum PassageRole: Sendable, Equatable, CaseIterable {
    /// The vehicle's front entered the radiation portal: opens a vehicle.
    case vehicleEnters
    /// Its rear left the portal: closes the vehicle, with the portal's alarms.
    case vehicleLeaves
    /// A camera's read of a plate or a container: placed on the vehicle that was at the camera's
    /// place on the lane then; a read of the same identifier in another lane at the same time makes
    /// it ambiguous.
    case read
    /// A scanner's result: placed where the reads of the containers and plates it names went, and
    /// the passage's scan verdict.
    case scan
    /// A report that names what it concerns (a seal's status): placed where the reads of the same
    /// identifiers went.
    case namedEvidence
    /// A device's health: a device going offline is recorded on the vehicles in the lane then.
    case deviceHealth

    /// Evidence matched by the identifiers it carries before its device's position: scans and seal reports.
    public var followsIdentifiers: Bool { self == .scan || self == .namedEvidence }

    /// Evidence placed on a vehicle (reads, scans, seal reports), as opposed to what opens, closes
    /// or annotates one.
    public var isEvidence: Bool { self == .read || followsIdentifiers }

    /// The part events of `kind` play in a passage; nil for a kind that is none (positions, the hub's
    /// own findings). Unknown kinds are no part of one.
    public static func of(kind: String) -> PassageRole? { EventPayload.types[kind]?.passageRole }

    /// Every kind with a part in passages, sorted: what a restarted hub reads back to rebuild its lanes.
    public static let memberKinds: [String] = EventPayload.types.compactMap { $0.value.passageRole == nil ? nil : $0.key }.sorted()
}

extension EventPayloadBody {
    /// No part in a passage unless the payload type says otherwise.
    public static var passageRole: PassageRole? { nil }
}
