/// A decoded reading from any device family, as drivers hand it to the normalizer.
public enum DeviceReading: Sendable, Equatable {
    case radiationPortal(RadiationPortalReading)
    /// An N42.42 instrument's measurement or alarm.
    case radiationInstrument(RadiationInstrumentReading)
    /// A container scanner's result for one scan.
    case scan(ScanResultDocument)
    /// One read of a gate OCR or licence plate camera.
    case ocr(OCRReading)
}
