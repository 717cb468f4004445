import Foundation
import HTTPTypes
import Hummingbird
import HubCorrelation
import HubModel
import NIOCore

/// JSON bodies the API writes: sorted keys, RFC 3339 dates, and errors with the field at fault.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Timestamp.format(date))
        }
        return e
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var data = try encoder.encode(value)
        data.append(10)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error": …, "field": …}` with a 4xx/5xx status.
    static func error(_ status: HTTPResponse.Status, _ message: String, field: String? = nil) -> Response {
        struct Body: Encodable {
            var error: String
            var field: String?
        }
        return (try? make(Body(error: message, field: field), status: status))
            ?? Response(status: .internalServerError)
    }
}

/// A request that cannot be served as asked; becomes a 400 naming the parameter.
struct BadRequest: Error {
    var field: String
    var message: String
}

/// The transit map's pictures as `/api/v1/transits` sends them: what the replica correlating the
/// site answers another replica with, so both serve the same bytes.
public enum TransitMapJSON {
    public static func encode(_ pictures: [TransitPicture]) throws -> Data { try JSONResponse.encoder.encode(pictures) }
}
