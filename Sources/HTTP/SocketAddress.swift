import Glibc

/// A socket address the server binds to or connects to, built without any name lookup.
enum SocketAddress {
    case inet4(sockaddr_in)
    case inet6(sockaddr_in6)
    case unix(sockaddr_un)

    /// Longest Unix socket path, in bytes (`sun_path` holds 108 bytes with the NUL).
    static let maxUnixPathBytes = MemoryLayout<sockaddr_un>.size - MemoryLayout<sa_family_t>.size - 1

    var family: Int32 {
        switch self {
        case .inet4: return AF_INET
        case .inet6: return AF_INET6
        case .unix: return AF_UNIX
        }
    }

    /// A numeric IPv4 or IPv6 host (or `localhost`, taken as 127.0.0.1) and a port. No DNS:
    /// the server never blocks on a resolver.
    init?(host: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        let name = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            self = .inet4(v4)
            return
        }
        var v6 = sockaddr_in6()
        let bare = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
        if inet_pton(AF_INET6, bare, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            self = .inet6(v6)
            return
        }
        return nil
    }

    /// A Unix domain socket path; nil when it does not fit `sun_path`.
    init?(unixPath path: String) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maxUnixPathBytes, !bytes.contains(0) else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        self = .unix(address)
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch self {
        case .inet4(var address): return Self.rebound(&address, body)
        case .inet6(var address): return Self.rebound(&address, body)
        case .unix(var address): return Self.rebound(&address, body)
        }
    }

    private static func rebound<T, R>(_ address: inout T, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<T>.size)) }
        }
    }

    /// The peer description of an address `accept` or `getsockname` filled in.
    static func peer(from storage: sockaddr_storage) -> HTTPPeerAddress {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            var addr = address.sin_addr
            let host = withUnsafeBytes(of: &addr) { numericHost(AF_INET, $0, Int(INET_ADDRSTRLEN)) }
            return .inet(host: host, port: Int(UInt16(bigEndian: address.sin_port)))
        case AF_INET6:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            var addr = address.sin6_addr
            let host = withUnsafeBytes(of: &addr) { numericHost(AF_INET6, $0, Int(INET6_ADDRSTRLEN)) }
            return .inet(host: host, port: Int(UInt16(bigEndian: address.sin6_port)))
        default:
            return .unix
        }
    }

    private static func numericHost(_ family: Int32, _ address: UnsafeRawBufferPointer, _ size: Int) -> String {
        var text = [CChar](repeating: 0, count: size)
        guard inet_ntop(family, address.baseAddress, &text, socklen_t(size)) != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
