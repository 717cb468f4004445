import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Debian's nginx as a test's load balancer in front of hub replicas on loopback: one HTTP port
/// (round robin, the next replica tried when one is down or answers 502/503) and one TCP port per
/// named device stream. It runs as a child process from a folder of its own, removed by `stop()`.
public final class NginxBalancer: Sendable {
    /// Where API clients and consoles connect.
    public let httpPort: Int
    /// Where each named device stream connects (name → port).
    public let streamPorts: [String: Int]
    public let directory: TemporaryDirectory
    private let process: Process
    private let stopped = Mutex(false)

    static let binary = "/usr/sbin/nginx"
    static let streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

    /// Whether nginx and its stream module (`libnginx-mod-stream`) are installed.
    public static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: binary) && FileManager.default.fileExists(atPath: streamModule)
    }

    /// Starts nginx balancing HTTP over `http` backend ports and each stream over its backend ports;
    /// returns once every port it listens on accepts connections.
    public init(http: [Int], streams: [String: [Int]]) async throws {
        directory = try TemporaryDirectory("nginx")
        httpPort = try Self.freePort()
        var ports: [String: Int] = [:]
        for name in streams.keys.sorted() { ports[name] = try Self.freePort() }
        streamPorts = ports
        let d = directory.path("")
        func servers(_ backends: [Int]) -> String {
            backends.map { "server 127.0.0.1:\($0) max_fails=1 fail_timeout=2s;" }.joined(separator: " ")
        }
        let upstreams = streams.keys.sorted().map { name in
            """
                upstream \(name) { \(servers(streams[name]!)) }
                server { listen 127.0.0.1:\(ports[name]!); proxy_pass \(name); proxy_connect_timeout 1s; }
            """
        }.joined(separator: "\n")
        let conf = """
            load_module \(Self.streamModule);
            worker_processes 1;
            error_log \(d)/error.log notice;
            pid \(d)/nginx.pid;
            events { worker_connections 1024; }
            stream {
            \(upstreams)
            }
            http {
                access_log \(d)/access.log;
                client_body_temp_path \(d)/body; proxy_temp_path \(d)/proxy; fastcgi_temp_path \(d)/fastcgi;
                uwsgi_temp_path \(d)/uwsgi; scgi_temp_path \(d)/scgi;
                upstream hubs { \(servers(http)) }
                server {
                    listen 127.0.0.1:\(httpPort);
                    client_max_body_size 64m;
                    location / {
                        proxy_pass http://hubs;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection "upgrade";
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_next_upstream error timeout http_502 http_503;
                        proxy_connect_timeout 1s;
                    }
                }
            }
            """
        let file = try directory.write("nginx.conf", conf)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["-p", d, "-c", file, "-g", "daemon off;"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        let all = [httpPort] + ports.values
        let up = await eventually(timeout: .seconds(20)) { all.allSatisfy(Self.accepts) }
        guard up else {
            stop()
            let log = (try? String(contentsOfFile: directory.path("error.log"), encoding: .utf8)) ?? ""
            throw Failure(description: "nginx did not start: \(log)")
        }
    }

    deinit { stop() }

    /// Stops nginx: SIGTERM, so its master takes its workers down with it (a SIGKILLed master
    /// leaves them holding the ports), SIGKILL after 5 s. It is reaped here: Foundation's own wait
    /// did not reap it when called from a test's task (the master stayed a zombie).
    public func stop() {
        let pid = process.processIdentifier
        guard !stopped.withLock({ let was = $0; $0 = true; return was }) else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) != 0 { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }

    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// A loopback port free now (nginx binds it a moment later).
    static func freePort() throws -> Int { try LoopbackServer().port }

    static func accepts(_ port: Int) -> Bool { (try? LoopbackClient(port: port)) != nil }
}
