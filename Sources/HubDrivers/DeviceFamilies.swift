/// Every device family the hub knows, in the order `niihub decode --protocol` lists their protocols.
/// A new family is its folder (driver, `<Family>Family.swift`, tests with captured bytes beside them)
/// and one line here.
public enum DeviceFamilies {
    public static let all: [DeviceFamily] = [
        RPMFamily.family,
        N42Family.family,
        ScanFamily.family,
        BaggageFamily.family,
        OCRFamily.family,
        NMEAFamily.family,
        ESealFamily.family,
        TeltonikaFamily.family,
        TraceFamily.family,
    ]

    /// The family named `name` (a profile's `family:`).
    public static func named(_ name: String) -> DeviceFamily? { all.first { $0.name == name } }
}
