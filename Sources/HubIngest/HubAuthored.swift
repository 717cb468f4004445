import Crypto
import Foundation
import HubModel

/// Events the hub writes itself (passages, risk assessments, transit findings, device status),
/// made one way: a one-line statement of what was concluded is archived as the raw record the
/// event points to, so the evidence chain covers the hub's own conclusions like a device's bytes.
public enum HubAuthored {
    /// `event` (its `raw` is filled here) with `statement` archived as a record of `format`,
    /// kept under `deviceID`, received `at`.
    public static func batch(_ event: InspectionEvent, statement: String, format: String, deviceID: String, at: Date) -> IngestBatch {
        let bytes = Array(statement.utf8)
        let record = RawRecord(
            sha256: Hex.encode(SHA256.hash(data: bytes)), format: format, deviceID: deviceID, firstReceivedAt: at,
            receivedAt: at, frameCount: 1, bytes: bytes)
        var e = event
        e.raw = record.ref
        return IngestBatch(records: [record], events: [e])
    }

    /// A placeholder until `batch` points the event at its record.
    public static let unrecorded = RawRef(sha256: "", format: "")
}
