/// The typed payloads of positions, seals and device status, read where they are used (`nil` for
/// another kind, or for a stored event its type could not read and that stays untyped).
extension InspectionEvent {
    public var gpsFix: GPSFixPayload? { if case .gpsFix(let p) = payload { p } else { nil } }
    public var sealStatus: SealStatusPayload? { if case .sealStatus(let p) = payload { p } else { nil } }
    public var deviceStatus: DeviceStatus? { if case .deviceStatus(let p) = payload { p } else { nil } }
}
