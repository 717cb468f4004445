import ArgumentParser

/// Simulators only ever talk to a hub on this machine: a tester's typo must not send fake seal
/// alarms to a real hub across the network.
enum Loopback {
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]"
            || (host.hasPrefix("127.") && host.split(separator: ".").count == 4
                && host.split(separator: ".").allSatisfy { UInt8($0) != nil })
    }

    /// `HOST:PORT` (or `[::1]:PORT`), refused unless HOST is a loopback address.
    static func endpoint(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65_535).contains(port)
        else { throw ValidationError("expected HOST:PORT, got '\(text)'") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        try require(host)
        return (host, port)
    }

    static func require(_ host: String) throws {
        guard isLoopback(host) else { throw ValidationError("only loopback addresses are targets, not '\(host)'") }
    }
}
