using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>
/// A real <see cref="RpcServer"/> on 127.0.0.1 with a free port, and a real <see cref="GrpcChannel"/> to it.
/// Disposing stops the server and waits (bounded) for <see cref="RpcServer.HandleRpcAsync"/> to return.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private TestServer(RpcServer server, Task serving, string url, ConcurrentQueue<(string, Exception)> reported)
    {
        Url = url;
        Server = server;
        Serving = serving;
        Channel = GrpcChannel.ForAddress(url);
        Reported = reported;
    }

    public RpcServer Server { get; }

    /// <summary>The task of <see cref="RpcServer.HandleRpcAsync"/>.</summary>
    public Task Serving { get; }

    public GrpcChannel Channel { get; }

    /// <summary>The URL the server listens on, such as <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    /// <summary>Every exception reported through <see cref="RpcServerOptions.OnHandlerException"/>, with the call's RPC.</summary>
    public ConcurrentQueue<(string Rpc, Exception Exception)> Reported { get; }

    public static async Task<TestServer> StartAsync(Action<RpcServer> addHandlers, Action<RpcServerOptions>? configure = null)
    {
        var reported = new ConcurrentQueue<(string, Exception)>();
        var options = new RpcServerOptions
        {
            Urls = { "http://127.0.0.1:0" },
            LogLevel = LogLevel.None,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
            OnHandlerException = (context, exception) => reported.Enqueue((context.Rpc, exception)),
        };
        configure?.Invoke(options);
        var server = new RpcServer(options);
        addHandlers(server);
        var serving = server.HandleRpcAsync();
        var urls = await server.WaitForServingAsync().WaitAsync(s_timeout);
        return new TestServer(server, serving, urls[0], reported);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        // A test that expects HandleRpcAsync to fail has already awaited it; otherwise a failure here fails the test.
        var observed = Serving.IsCompleted;
        await Server.StopAsync();
        await Serving.WaitAsync(s_timeout).ConfigureAwait(observed ? ConfigureAwaitOptions.SuppressThrowing : ConfigureAwaitOptions.None);
    }
}
