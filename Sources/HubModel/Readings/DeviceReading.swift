/// A decoded reading from any device family, as drivers hand it to the normalizer.
public enum DeviceReading: Sendable, Equatable {
    case radiationPortal(RadiationPortalReading)
    /// An N42.42 instrument's measurement or alarm.
    case radiationInstrument(RadiationInstrumentReading)
}
