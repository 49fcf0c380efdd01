import NIOCore
import NIOEmbedded
import Testing

@testable import RelDaemon

/// The watch that lets an import roll back when relctl goes: it must see the client leave, and a
/// client that left before the handler ran must read as gone, not as an error in reld (which
/// answered 500 and logged "request failed … I/O on closed channel").
@Suite struct ClientWatchTests {
    @Test func aWatchSeesTheConnectionClose() async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(unixDomainSocketPath: "/reld-test.sock"))
        let watch = try await ClientWatch.install(on: channel)
        #expect(!watch.clientGone)
        try await channel.close()
        #expect(watch.clientGone)
    }

    @Test func aWatchSeesTheClientsInputEnd() async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(unixDomainSocketPath: "/reld-test.sock"))
        let watch = try await ClientWatch.install(on: channel)
        try await channel.testingEventLoop.executeInContext {
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
        #expect(watch.clientGone)
        _ = try? await channel.finish()
    }

    @Test func aChannelClosedBeforeTheHandlerRanGivesAWatchThatSaysGone() async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(unixDomainSocketPath: "/reld-test.sock"))
        try await channel.close()
        let watch = try await ClientWatch.install(on: channel)
        #expect(watch.clientGone)
    }
}
