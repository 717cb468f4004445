import Foundation
import HubSite

/// Where a written report goes next: the hook a mailer plugs into (issue 21 part 1). `DailyReportService`
/// calls it (through `ReportDispatch`) once per report written and set of lanes its subscribers follow
/// (`reports.subscribers`); a failure is logged and the report stays in the folder (it is not written again).
public protocol ReportDelivery: Sendable {
    /// Sends the report of `day` to `subscribers`, who all follow the lanes the files cover. `files` are the
    /// written files' paths by name (`2026-12-05.vi.html`, `2026-12-05.en.pdf`, `2026-12-05.csv`): each
    /// subscriber's language picks theirs.
    func deliver(day: String, files: [String: String], to subscribers: [ReportSettings.Subscriber]) async throws
}

/// A delivery from a closure, for a caller that has a function rather than a type.
public struct ReportDeliveryClosure: ReportDelivery {
    let send: @Sendable (String, [String: String], [ReportSettings.Subscriber]) async throws -> Void

    public init(_ send: @escaping @Sendable (String, [String: String], [ReportSettings.Subscriber]) async throws -> Void) {
        self.send = send
    }

    public func deliver(day: String, files: [String: String], to subscribers: [ReportSettings.Subscriber]) async throws {
        try await send(day, files, subscribers)
    }
}
