import Foundation

/// A run of frames exactly as a device sent them, kept in the raw archive under its SHA-256.
public struct RawRecord: Sendable, Equatable {
    public var sha256: String
    public var format: String
    public var deviceID: String
    /// Hub clock at the first and last frame of the run.
    public var firstReceivedAt: Date
    public var receivedAt: Date
    public var frameCount: Int
    public var bytes: [UInt8]

    public init(
        sha256: String, format: String, deviceID: String, firstReceivedAt: Date, receivedAt: Date, frameCount: Int,
        bytes: [UInt8]
    ) {
        self.sha256 = sha256
        self.format = format
        self.deviceID = deviceID
        self.firstReceivedAt = firstReceivedAt
        self.receivedAt = receivedAt
        self.frameCount = frameCount
        self.bytes = bytes
    }

    public var ref: RawRef { RawRef(sha256: sha256, format: format) }
}
