import Foundation
import HTTPTypes
import HubSite
import Hummingbird

/// Sets each request's client address: the TCP peer's, unless the peer is a trusted reverse proxy,
/// whose forwarding header then names the client. Runs before the auth middleware, so login
/// limits and the audit log count the client and not the proxy.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let trusted: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard !trusted.isEmpty else { return try await next(request, context) }
        var context = context
        context.remoteAddress = ClientAddress.resolve(peer: context.peerAddress, headers: request.headers, trusted: trusted)
        return try await next(request, context)
    }
}

/// The client address behind a chain of proxies.
enum ClientAddress {
    /// `peer` unless it is a trusted proxy; then the forwarding header's entries are walked from
    /// the right (the entry the nearest proxy added) past every trusted proxy, and the first
    /// untrusted one is the client. An entry that is not an address stops the walk at the last
    /// trusted hop: a proxy appends what it saw, so anything odd came from the client itself.
    static func resolve(peer: String?, headers: HTTPFields, trusted: TrustedProxies) -> String? {
        guard let peer, trusted.contains(peer) else { return peer }
        var current = TrustedProxies.address(peer) ?? peer
        for hop in hops(headers, trusted.header).reversed() {
            guard let address = hopAddress(hop) else { return current }
            guard trusted.contains(address) else { return address }
            current = address
        }
        return current
    }

    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwarded = HTTPField.Name("Forwarded")!

    /// The header's entries, left (the first client) to right (the nearest proxy), across repeated lines.
    static func hops(_ headers: HTTPFields, _ header: TrustedProxies.Header) -> [String] {
        switch header {
        case .xForwardedFor:
            return headers[values: Self.xForwardedFor].flatMap { $0.split(separator: ",").map(String.init) }
        case .forwarded:
            return headers[values: Self.forwarded].flatMap(splitOutsideQuotes).map { element in
                // `for=…` among the element's `;`-separated pairs; without one, an entry that is no address.
                let pairs = splitOutsideQuotes(element, on: ";")
                let value = pairs.lazy.compactMap { pair -> String? in
                    let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    return kv.count == 2 && kv[0].lowercased() == "for" ? kv[1] : nil
                }.first
                return value ?? ""
            }
        }
    }

    /// An entry as an address: quotes, brackets and a port removed; nil for `unknown`, an
    /// obfuscated name or anything else that is not an IP address.
    static func hopAddress(_ entry: String) -> String? {
        var s = Substring(entry.trimmingCharacters(in: .whitespaces))
        if s.hasPrefix("\""), s.hasSuffix("\""), s.count >= 2 { s = s.dropFirst().dropLast() }
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            s = s[s.index(after: s.startIndex)..<close]
        } else if s.filter({ $0 == ":" }).count == 1, let colon = s.firstIndex(of: ":") {
            s = s[..<colon]  // IPv4 with a port
        }
        return TrustedProxies.address(String(s))
    }

    private static func splitOutsideQuotes(_ text: String) -> [String] { splitOutsideQuotes(text, on: ",") }

    private static func splitOutsideQuotes(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for ch in text {
            if ch == "\"" { quoted.toggle() }
            if ch == separator, !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }
}
