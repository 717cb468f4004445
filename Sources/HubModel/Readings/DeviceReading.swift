/// A decoded reading from any device family, as drivers hand it to the normalizer.
public enum DeviceReading: Sendable, Equatable {
    case radiationPortal(RadiationPortalReading)
    /// An N42.42 instrument's measurement or alarm.
    case radiationInstrument(RadiationInstrumentReading)
    /// A container scanner's result for one scan.
    case scan(ScanResultDocument)
    /// One read of a gate OCR or licence plate camera.
    case ocr(OCRReading)
    /// A position from a GPS receiver, a tracker or a tracking seal.
    case gpsFix(GPSFix)
    /// A seal's lock state or an alarm it raised (opened, cut, shock, low battery).
    case sealStatus(SealStatus)
    /// A tracker's own condition: it logged in, it is alive, its battery and signal, an alarm that is not the seal's.
    case trackerStatus(TrackerStatus)
    /// A trace or narcotics detector's result for one sample (a profile-described line).
    case trace(TraceReading)
}
