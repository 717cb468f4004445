extension RapiscanFeed {
    /// The portal monitor line protocol over another transport, with short timings for tests.
    public static func profile(_ model: String, transport: String, heartbeat: Double = 30) -> String {
        """
        model: \(model)
        name: Portal monitor lines over \(model)
        family: radiation-portal
        protocol: rpm
        transport:
        \(transport)
        heartbeatIntervalS: \(heartbeat)
        """
    }
}
