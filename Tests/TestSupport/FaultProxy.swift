import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A value behind a lock that closures and tasks can share (`Mutex` itself cannot be captured or copied).
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// A lock around `value`.
    package init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// Runs `body` with the value, holding the lock.
    package func withLock<T: Sendable>(_ body: (inout sending Value) throws -> sending T) rethrows -> T {
        try mutex.withLock(body)
    }
}

/// What the proxy does to one request instead of (or on top of) forwarding it.
package enum Fault: String, Sendable, CaseIterable {
    /// Answers 500 InternalError without forwarding.
    case internalError
    /// Answers 503 SlowDown without forwarding.
    case slowDown
    /// Closes the connection with a TCP reset, no answer.
    case reset
    /// Forwards, then sends the upstream head and only half the body before closing.
    case truncateBody
    /// Forwards (the write is committed upstream), then answers 500 anyway.
    case commitThenFail
}

/// What the proxy does to request number `index` (from 0, in arrival order); nil forwards it untouched.
package typealias FaultSchedule = @Sendable (_ index: Int, _ head: HTTPRequestHead) -> FaultAction?

/// A fault, or a canned error answer (e.g. 403 SignatureDoesNotMatch).
package enum FaultAction: Sendable {
    /// Injects a fault.
    case fault(Fault)
    /// Answers with this S3 error instead of forwarding.
    case answer(status: Int, code: String, message: String)
}

/// One request the proxy answered, and what it sent back.
package struct ProxiedRequest: Sendable {
    /// `GET`, `PUT`, ...
    package var method: String
    /// Path and query as the client sent them.
    package var uri: String
    /// The request's `Range` header, if any.
    package var range: String?
    /// The status sent back; nil when the connection was reset instead.
    package var status: Int?
    /// Bytes of response body actually sent (a cut body counts what went out).
    package var bodyBytes: Int
    /// The fault injected, if any.
    package var fault: Fault?
}

/// What the proxy has counted so far.
package struct ProxyState: Sendable {
    var next = 0
    var injected: [Fault: Int] = [:]
    var log: [ProxiedRequest] = []
}

/// An HTTP proxy on 127.0.0.1 that forwards to an upstream S3 server (moto) and injects faults on a schedule.
///
/// Self-contained (SwiftNIO server, AsyncHTTPClient to forward) so it can move to a shared test-support target.
package final class FaultProxy: Sendable {
    /// The URL to give a store instead of the upstream's.
    package let endpoint: URL
    private let serverChannel: any Channel
    private let serving: Task<Void, Never>
    private let client: HTTPClient
    private let state: Locked<ProxyState>

    /// How many faults of each kind were injected so far.
    package var injected: [Fault: Int] { state.withLock { $0.injected } }
    /// How many requests arrived so far.
    package var requests: Int { state.withLock { $0.next } }
    /// Every request answered so far, in the order the answers went out.
    package var log: [ProxiedRequest] { state.withLock { $0.log } }

    /// A seeded schedule that faults about one request in `every` and cycles through every kind of fault, never
    /// faulting more than two requests in a row.
    package static func seeded(seed: UInt64, every: Int = 4, kinds: [Fault] = Fault.allCases) -> FaultSchedule {
        let plan = Locked((state: seed, faulted: 0, streak: 0))
        return { _, _ in
            plan.withLock { plan -> FaultAction? in
                plan.state &+= 0x9E37_79B9_7F4A_7C15
                var z = plan.state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                guard z % UInt64(every) == 0, plan.streak < 2 else {
                    plan.streak = 0
                    return nil
                }
                plan.streak += 1
                plan.faulted += 1
                return .fault(kinds[(plan.faulted - 1) % kinds.count])
            }
        }
    }

    private init(
        endpoint: URL, serverChannel: any Channel, serving: Task<Void, Never>, client: HTTPClient,
        state: Locked<ProxyState>
    ) {
        self.endpoint = endpoint
        self.serverChannel = serverChannel
        self.serving = serving
        self.client = client
        self.state = state
    }

    /// Starts a proxy for `upstream` on a free port of 127.0.0.1.
    package static func start(upstream: URL, schedule: @escaping FaultSchedule) async throws -> FaultProxy {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? 0
        let counter = Locked(ProxyState())
        let upstreamBase =
            upstream.absoluteString.hasSuffix("/")
            ? String(upstream.absoluteString.dropLast()) : upstream.absoluteString
        let serving = Task<Void, Never> {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask {
                            await serve(
                                connection, upstream: upstreamBase, client: client, schedule: schedule,
                                counter: counter)
                        }
                    }
                }
            }
        }
        guard let endpoint = URL(string: "http://127.0.0.1:\(port)") else { throw URLError(.badURL) }
        return FaultProxy(
            endpoint: endpoint, serverChannel: server.channel, serving: serving, client: client, state: counter)
    }

    /// Stops listening, drops open connections and shuts the forwarding client down.
    package func stop() async {
        try? await serverChannel.close()
        serving.cancel()
        await serving.value
        try? await client.shutdown()
    }
}

private func serve(
    _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, upstream: String,
    client: HTTPClient, schedule: FaultSchedule, counter: Locked<ProxyState>
) async {
    let channel = connection.channel
    try? await connection.executeThenClose { inbound, outbound in
        var head: HTTPRequestHead?
        var body = ByteBuffer()
        for try await part in inbound {
            switch part {
            case .head(let requestHead):
                head = requestHead
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let request = head else { return }
                let index = counter.withLock { state -> Int in
                    state.next += 1
                    return state.next - 1
                }
                let action = schedule(index, request)
                var entry = ProxiedRequest(
                    method: request.method.rawValue, uri: request.uri, range: request.headers.first(name: "range"),
                    status: nil, bodyBytes: 0, fault: nil)
                if case .fault(let fault) = action { entry.fault = fault }
                // Logged on every path out, the resets and cut bodies included.
                defer {
                    counter.withLock { state in
                        if let fault = entry.fault { state.injected[fault, default: 0] += 1 }
                        state.log.append(entry)
                    }
                }
                let isHead = request.method == .HEAD
                switch action {
                case nil:
                    let (status, headers, reply) = try await forward(
                        request, body: body, upstream: upstream, client: client)
                    entry.status = Int(status.code)
                    entry.bodyBytes = try await respond(outbound, status: status, headers: headers, body: reply)
                case .answer(let status, let code, let message):
                    entry.status = status
                    entry.bodyBytes = try await respondError(
                        outbound, status: status, code: code, message: message, bodyless: isHead)
                case .fault(.internalError):
                    entry.status = 500
                    entry.bodyBytes = try await respondError(
                        outbound, status: 500, code: "InternalError", message: "Injected failure.", bodyless: isHead)
                case .fault(.slowDown):
                    entry.status = 503
                    entry.bodyBytes = try await respondError(
                        outbound, status: 503, code: "SlowDown", message: "Reduce your request rate.",
                        bodyless: isHead)
                case .fault(.reset):
                    // SO_LINGER 0 turns the close into a TCP RST, as a crashing load balancer would send.
                    if let socket = channel as? any SocketOptionProvider {
                        try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                    }
                    return
                case .fault(.truncateBody):
                    let (status, headers, reply) = try await forward(
                        request, body: body, upstream: upstream, client: client)
                    // A bodiless answer (HEAD) cannot be cut: a wrong Content-Length there would be a lie, not a
                    // cut, so the connection closes before the answer instead.
                    guard !isHead && reply.readableBytes > 0 else { return }
                    var fixed = headers
                    fixed.remove(name: "transfer-encoding")
                    fixed.replaceOrAdd(name: "content-length", value: String(reply.readableBytes))
                    let half = reply.getSlice(at: 0, length: reply.readableBytes / 2) ?? ByteBuffer()
                    entry.status = Int(status.code)
                    entry.bodyBytes = half.readableBytes
                    try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: fixed)))
                    try await outbound.write(.body(.byteBuffer(half)))
                    return
                case .fault(.commitThenFail):
                    _ = try await forward(request, body: body, upstream: upstream, client: client)
                    entry.status = 500
                    entry.bodyBytes = try await respondError(
                        outbound, status: 500, code: "InternalError", message: "Injected after commit.",
                        bodyless: isHead)
                }
                head = nil
            }
        }
    }
}

private func forward(
    _ head: HTTPRequestHead, body: ByteBuffer, upstream: String, client: HTTPClient
) async throws -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
    var request = HTTPClientRequest(url: upstream + head.uri)
    request.method = head.method
    for (name, value) in head.headers
    where !["content-length", "transfer-encoding", "connection"].contains(name.lowercased()) {
        request.headers.add(name: name, value: value)
    }
    if body.readableBytes > 0 || head.method == .PUT || head.method == .POST { request.body = .bytes(body) }
    let response = try await client.execute(request, timeout: .seconds(60))
    let reply = try await response.body.collect(upTo: 256 << 20)
    return (response.status, response.headers, reply)
}

private func respond(
    _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, status: HTTPResponseStatus,
    headers: HTTPHeaders, body: ByteBuffer
) async throws -> Int {
    var fixed = headers
    fixed.remove(name: "transfer-encoding")
    fixed.remove(name: "connection")
    if fixed["content-length"].isEmpty { fixed.add(name: "content-length", value: String(body.readableBytes)) }
    try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status, headers: fixed)))
    if body.readableBytes > 0 { try await outbound.write(.body(.byteBuffer(body))) }
    try await outbound.write(.end(nil))
    return body.readableBytes
}

private func respondError(
    _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, status: Int, code: String, message: String,
    bodyless: Bool
) async throws -> Int {
    let xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(message)</Message>"
        + "<RequestId>injected</RequestId></Error>"
    var headers = HTTPHeaders()
    headers.add(name: "content-type", value: "application/xml")
    headers.add(name: "content-length", value: String(xml.utf8.count))
    try await outbound.write(
        .head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers)))
    // An answer to HEAD carries the headers only, as S3's do.
    if !bodyless { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: xml)))) }
    try await outbound.write(.end(nil))
    return bodyless ? 0 : xml.utf8.count
}
