#if PostgreSQL
import Foundation
import HubStore
import Logging
import NIOCore
import PostgresNIO

/// Answers of the replica holding a lease to the others' questions (`HolderQuestions.swift`), in
/// `holder_answers` until the asker takes them. An answer nobody took (its asker gave up or died) is
/// swept with the next answer after five minutes. (`HubRecordStore` makes the conformance.)
extension PostgresEventStore {
    public func putAnswer(_ answer: Data, to id: String) async throws {
        let payload = StoreNotice.livePayload(replica: replica, .holder(.answered(id: id)))
        try await writing { client in
            try await client.withTransaction(logger: self.logger) { db in
                try await db.query("DELETE FROM holder_answers WHERE at < now() - interval '5 minutes'", logger: self.logger)
                try await db.query(
                    "INSERT INTO holder_answers (id, body) VALUES (\(id), \(ByteBuffer(bytes: answer))) ON CONFLICT (id) DO NOTHING",
                    logger: self.logger)
                try await PostgresNotify.notify(db, PostgresNotify.liveChannel, payload, self.logger)
            }
        }
    }

    public func takeAnswer(to id: String) async throws -> Data? {
        let rows = try await client.query("DELETE FROM holder_answers WHERE id = \(id) RETURNING body", logger: logger).collect()
        guard let body = try rows.first?.decode(ByteBuffer.self) else { return nil }
        return Data(body.readableBytesView)
    }
}
#endif
