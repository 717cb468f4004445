/// What a listener does with a unit (a tracker's IMEI, a seal's id) that names itself. Units listed
/// in the device's `units:` and units an admin approved are always admitted; units an admin denied
/// are always refused.
public enum AdmissionPolicy: String, Sendable, Codable, Equatable {
    /// Any other unit is refused at its login, and listed for an admin to approve or deny.
    case known
    /// Any other unit is quarantined: answered so it keeps talking, its bytes archived and counted,
    /// no inspection events from it; listed for an admin to approve or deny.
    case quarantine
    /// Any unit is admitted. The default only for a listener without `units:`.
    case open
}
