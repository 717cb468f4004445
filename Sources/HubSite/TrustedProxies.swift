import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The reverse proxies whose word the hub takes for a client's address (the site config's
/// `http.trustedProxies`, addresses or CIDR blocks, and `http.forwardedHeader`). Only a request
/// whose TCP peer is one of them has its client address read from that header; from anyone else
/// the header is ignored, so a client cannot choose the address its logins are counted against.
public struct TrustedProxies: Sendable, Equatable {
    /// Which header the proxies write. Only one is read: a proxy appends to its own header and
    /// passes the other through from the client untouched, so reading both would let a client
    /// speak for itself.
    public enum Header: String, Sendable, Equatable, CaseIterable {
        case xForwardedFor = "x-forwarded-for"
        /// RFC 7239 `Forwarded: for=…`.
        case forwarded
    }

    /// The entries as the config wrote them.
    public let entries: [String]
    public let header: Header
    private let blocks: [IPBlock]

    /// No proxy trusted: every request's client is its TCP peer.
    public init() {
        entries = []
        header = .xForwardedFor
        blocks = []
    }

    /// Nil when an entry is neither an IP address nor a CIDR block.
    public init?(_ entries: [String], header: Header = .xForwardedFor) {
        var blocks: [IPBlock] = []
        for e in entries {
            guard let b = IPBlock(e) else { return nil }
            blocks.append(b)
        }
        self.entries = entries
        self.header = header
        self.blocks = blocks
    }

    public var isEmpty: Bool { blocks.isEmpty }

    /// Whether `address` (as a socket or a header gives it) is one of the trusted proxies.
    public func contains(_ address: String) -> Bool {
        guard let bytes = IPBlock.parse(address) else { return false }
        return blocks.contains { $0.contains(bytes) }
    }

    public static func == (a: Self, b: Self) -> Bool { a.entries == b.entries && a.header == b.header }
}

/// An IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`). An IPv4 address mapped into IPv6
/// (`::ffff:127.0.0.1`, what a dual-stack socket reports) is the IPv4 address.
struct IPBlock: Sendable {
    let bytes: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.parse(String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...bits).contains(p) else { return nil }
            prefix = p
        } else {
            prefix = bits
        }
        self.bytes = bytes
    }

    func contains(_ other: [UInt8]) -> Bool {
        guard other.count == bytes.count else { return false }
        var left = prefix
        for (a, b) in zip(bytes, other) where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            if a & mask != b & mask { return false }
            left -= 8
        }
        return true
    }

    /// The address's bytes (4 for IPv4 and mapped IPv4, 16 for IPv6), nil when it is not one.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let b = withUnsafeBytes(of: &v6) { Array($0) }
        if b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xFF, b[11] == 0xFF { return Array(b[12...]) }
        return b
    }

    /// The address in its usual text form (mapped IPv4 as IPv4), nil when it is not one.
    static func canonical(_ text: String) -> String? {
        guard let b = parse(text) else { return nil }
        let family = b.count == 4 ? AF_INET : AF_INET6
        var out = [UInt8](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = b.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o in
                o.withMemoryRebound(to: CChar.self) { inet_ntop(family, raw.baseAddress, $0.baseAddress, socklen_t($0.count)) != nil }
            }
        }
        guard ok else { return nil }
        return String(decoding: out.prefix { $0 != 0 }, as: UTF8.self)
    }
}

extension TrustedProxies {
    /// `text` as an IP address in its usual form (IPv6 brackets and an IPv4 mapping removed), nil
    /// when it is not one: what a forwarding header may name as a client.
    public static func address(_ text: String) -> String? { IPBlock.canonical(text) }
}
