/// Declarations as the API takes them (JSON), for tests that post one.
public enum DeclarationSamples {
    /// An import declaration `number` for `containers`, on `channel`, naming truck `plate`.
    public static func doc(_ number: String, containers: [String], channel: String = "green", plate: String = "51C-123.45") -> String {
        """
        {"number": "\(number)", "type": "import", "office": "03CE", "trader": {"tin": "0301234567"},
         "containers": [\(containers.map { "\"\($0)\"" }.joined(separator: ", "))], "plates": ["\(plate)"],
         "channel": "\(channel)"}
        """
    }
}
