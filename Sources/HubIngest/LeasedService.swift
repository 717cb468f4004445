import HubModel
import ServiceLifecycle

/// Runs a service only while this hub holds its lease (the feed's webhook, retention: work for one
/// hub among those sharing a store): started when the lease is taken, cancelled when it is lost,
/// started again when it is taken again.
public struct LeasedService: Service {
    let leases: LeaseService
    let name: String
    let service: any Service

    public init(_ service: any Service, lease name: String, leases: LeaseService) {
        self.service = service
        self.name = name
        self.leases = leases
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Cancelled with the lease; a real failure shows in the service's own log.
            await leases.whileHeld(name) { _ in try? await service.run() }
        }
    }
}
