extern alias InteropSample;

using System.Collections.Concurrent;
using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using Grpc.Testing;
using Microsoft.Extensions.Logging;
using InteropServer = InteropSample::Interop.InteropServer;

namespace GrpcServer.Interop.Tests;

/// <summary>
/// The Interop sample's server (<see cref="InteropServer.Create"/>) on 127.0.0.1 with a free port, and a real
/// Grpc.Net.Client channel to it whose traffic a <see cref="WireRecorder"/> records. Disposing stops the server
/// and waits (bounded) for it to finish.
/// </summary>
internal sealed class InteropTestServer : IAsyncDisposable
{
    /// <summary>The bound of every wait in these tests, and the deadline of every call that sets no shorter one.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private InteropTestServer(RpcServer server, Task serving, string url, GrpcChannel channel, WireRecorder wire, ConcurrentQueue<(string, Exception)> failures)
    {
        Server = server;
        Serving = serving;
        Url = url;
        Channel = channel;
        Wire = wire;
        HandlerFailures = failures;
        Client = new TestService.TestServiceClient(channel);
    }

    public RpcServer Server { get; }

    /// <summary>The task of <see cref="RpcServer.HandleRpcAsync"/>.</summary>
    public Task Serving { get; }

    /// <summary>The URL the server listens on, with its real port.</summary>
    public string Url { get; }

    public GrpcChannel Channel { get; }

    public TestService.TestServiceClient Client { get; }

    /// <summary>What crossed the wire, per call.</summary>
    public WireRecorder Wire { get; }

    /// <summary>Every exception the server reported (<see cref="RpcServerOptions.OnHandlerException"/>), with the call's RPC.</summary>
    public ConcurrentQueue<(string Rpc, Exception Exception)> HandlerFailures { get; }

    /// <summary>Call options with a deadline (<see cref="Timeout"/>), so that no call of a test can hang.</summary>
    public static CallOptions Bounded(Metadata? headers = null, CancellationToken cancellationToken = default) =>
        new(headers, DateTime.UtcNow + Timeout, cancellationToken);

    /// <summary>Starts a server with <paramref name="options"/> (default: h2c on <c>http://127.0.0.1:0</c>).</summary>
    /// <param name="options">The server's options, such as from <see cref="InteropServer.ParseArgs"/>.</param>
    /// <param name="configureClient">Configures the client's socket handler, such as to trust a TLS certificate.</param>
    public static async Task<InteropTestServer> StartAsync(RpcServerOptions? options = null, Action<SocketsHttpHandler>? configureClient = null)
    {
        var failures = new ConcurrentQueue<(string, Exception)>();
        options ??= new RpcServerOptions { Urls = { "http://127.0.0.1:0" } };
        options.LogLevel = LogLevel.None;
        options.ShutdownTimeout = TimeSpan.FromSeconds(5);
        options.OnHandlerException = (context, exception) => failures.Enqueue((context.Rpc, exception));

        var server = InteropServer.Create(options);
        var serving = server.HandleRpcAsync();
        var urls = await server.WaitForServingAsync().WaitAsync(Timeout);

        var sockets = new SocketsHttpHandler();
        configureClient?.Invoke(sockets);
        var wire = new WireRecorder(sockets);
        var channel = GrpcChannel.ForAddress(urls[0], new GrpcChannelOptions
        {
            HttpHandler = wire,
            // A call compresses its requests when its headers carry grpc-internal-encoding-request: gzip.
            CompressionProviders = [new GzipCompressionProvider(CompressionLevel.Fastest)],
            MaxReceiveMessageSize = null,
        });
        return new InteropTestServer(server, serving, urls[0], channel, wire, failures);
    }

    /// <summary>Proves the server still serves: an EmptyCall on a new call succeeds.</summary>
    public async Task AssertStillServesAsync()
    {
        var reply = await Client.EmptyCallAsync(new Empty(), Bounded());
        Assert.Equal(new Empty(), reply);
    }

    /// <summary>The server's statistics of one TestService RPC, such as <c>FullDuplexCall</c>.</summary>
    public RpcStatistics Statistics(string rpc) =>
        Server.GetStatistics().Single(statistics => statistics.Rpc == "/grpc.testing.TestService/" + rpc);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Server.StopAsync();
        await Serving.WaitAsync(Timeout);
    }
}
