using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>
/// A real <see cref="RpcServer"/> and a real <see cref="GrpcChannel"/> to it. <see cref="StartAsync"/> serves in memory
/// (<see cref="RpcServer.StartInMemoryAsync"/>: Kestrel, HTTP/2 and grpc-dotnet as in production, over in-process pipes),
/// for every test whose subject is not the socket; <see cref="StartOnSocketAsync"/> listens on 127.0.0.1 with a free
/// port, for tests of TLS, addresses, connections and hostile bytes on the wire. Disposing stops the server and waits
/// (bounded) for it to stop.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private readonly InMemoryRpcServer? _inMemory;
    private readonly string? _url;
    private readonly List<GrpcChannel> _channels = [];

    private TestServer(RpcServer server, Task serving, InMemoryRpcServer? inMemory, string? url, ConcurrentQueue<(string, Exception)> reported)
    {
        Server = server;
        Serving = serving;
        Reported = reported;
        _inMemory = inMemory;
        _url = url;
        Channel = inMemory?.Channel ?? CreateChannel();
    }

    public RpcServer Server { get; }

    /// <summary>The task of the serving server (<see cref="RpcServer.HandleRpcAsync"/>'s, or <see cref="InMemoryRpcServer.Completion"/>).</summary>
    public Task Serving { get; }

    public GrpcChannel Channel { get; }

    /// <summary>The URL a socket server listens on, such as <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => _url ?? throw new InvalidOperationException("An in-memory server has no URL: start the test with StartOnSocketAsync, or use CreateChannel.");

    /// <summary>Every exception reported through <see cref="RpcServiceOptions.OnHandlerException"/>, with the call's RPC.</summary>
    public ConcurrentQueue<(string Rpc, Exception Exception)> Reported { get; }

    /// <summary>Serves in memory.</summary>
    public static async Task<TestServer> StartAsync(Action<RpcServer> addHandlers, Action<RpcServerOptions>? configure = null)
    {
        var (server, reported) = Create(addHandlers, configure, url: null);
        var inMemory = await server.StartInMemoryAsync().WaitAsync(s_timeout);
        return new TestServer(server, inMemory.Completion, inMemory, url: null, reported);
    }

    /// <summary>Serves on 127.0.0.1 with a free port, unless <paramref name="configure"/> sets the URLs itself.</summary>
    public static async Task<TestServer> StartOnSocketAsync(Action<RpcServer> addHandlers, Action<RpcServerOptions>? configure = null)
    {
        var (server, reported) = Create(addHandlers, configure, url: "http://127.0.0.1:0");
        var serving = server.HandleRpcAsync();
        var urls = await server.WaitForServingAsync().WaitAsync(s_timeout);
        return new TestServer(server, serving, inMemory: null, urls[0], reported);
    }

    /// <summary>A new channel to the server, on connections of its own; disposed with the server.</summary>
    public GrpcChannel CreateChannel()
    {
        if (_inMemory is not null)
        {
            return _inMemory.CreateChannel();
        }

        var channel = GrpcChannel.ForAddress(Url);
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        // A test that expects the server to fail has already awaited it; otherwise a failure here fails the test.
        var observed = Serving.IsCompleted;
        if (_inMemory is not null)
        {
            await _inMemory.DisposeAsync().AsTask().WaitAsync(s_timeout);
        }
        else
        {
            lock (_channels)
            {
                _channels.ForEach(channel => channel.Dispose());
            }

            await Server.StopAsync();
        }

        await Serving.WaitAsync(s_timeout).ConfigureAwait(observed ? ConfigureAwaitOptions.SuppressThrowing : ConfigureAwaitOptions.None);
    }

    private static (RpcServer, ConcurrentQueue<(string, Exception)>) Create(Action<RpcServer> addHandlers, Action<RpcServerOptions>? configure, string? url)
    {
        var reported = new ConcurrentQueue<(string, Exception)>();
        var options = new RpcServerOptions
        {
            LogLevel = LogLevel.None,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            OnHandlerException = (context, exception) => reported.Enqueue((context.Rpc, exception)),
        };
        if (url is not null)
        {
            options.Urls.Add(url);
        }

        configure?.Invoke(options);
        if (url is null && options.Urls.Count > 0)
        {
            // A test that names URLs is about listening: in memory they would not be used.
            throw new InvalidOperationException("This test sets Urls: start it with TestServer.StartOnSocketAsync.");
        }

        var server = new RpcServer(options);
        addHandlers(server);
        return (server, reported);
    }
}
