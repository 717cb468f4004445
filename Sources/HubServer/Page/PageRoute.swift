import Hummingbird
import NIOCore

/// `GET /`: the operator page, which carries the login form (so it is open; it holds no data).
struct PageRoute: RouteController {
    let site: String

    func register(on routes: RouteTable) {
        routes.get("/", .open, doc: .init(summary: "The operator page.", produces: "text/html", response: OpenAPISchemas.html)) {
            [site] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OperatorPage.html(site: site))))
        }
    }
}
