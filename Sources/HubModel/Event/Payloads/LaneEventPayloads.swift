/// The typed payloads of the lane's devices, read where they are used (`nil` for another kind, or
/// for a stored event its type could not read and that stays untyped).
extension InspectionEvent {
    public var occupancyStart: OccupancyStartPayload? { if case .occupancyStart(let p) = payload { p } else { nil } }
    public var occupancy: OccupancyPayload? { if case .occupancy(let p) = payload { p } else { nil } }
    public var radiationFault: RadiationFaultPayload? { if case .radiationFault(let p) = payload { p } else { nil } }
    /// A `device.tamper` or `seal.tamper` report.
    public var tamper: TamperPayload? { if case .tamper(let p) = payload { p } else { nil } }
    public var scanResult: ScanResultPayload? { if case .scanResult(let p) = payload { p } else { nil } }
    public var ocrRead: OCRReadPayload? { if case .ocrRead(let p) = payload { p } else { nil } }
}
