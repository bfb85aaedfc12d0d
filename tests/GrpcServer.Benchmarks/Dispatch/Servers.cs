using Bench;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Benchmarks.Dispatch;

/// <summary>The two ways of serving Protos/bench.proto that the dispatch benchmark compares.</summary>
internal enum ServerKind
{
    /// <summary>A Grpc.AspNetCore service: Grpc.Tools' <c>Greeter.GreeterBase</c>, registered with <c>MapGrpcService</c>.</summary>
    HandWritten,

    /// <summary><c>RpcServer.AddHandler</c> with the same handlers as plain functions, served by <c>HandleRpcAsync</c>.</summary>
    Ours,
}

/// <summary>Counts the responses the handlers produce; both servers' handlers call it once per response.</summary>
internal static class ResponseCounter
{
    private static long s_count;

    public static long Count => Interlocked.Read(ref s_count);

    public static void Add() => Interlocked.Increment(ref s_count);
}

/// <summary>A running server of either kind.</summary>
internal interface IBenchServer : IAsyncDisposable
{
    string Url { get; }

    /// <summary>Calls that ended with an error status, where the server keeps count (ours does); else 0.</summary>
    long FailedCalls { get; }
}

/// <summary>
/// The hand-written service, written as grpc-dotnet's documentation writes one. Its work per call is exactly that of
/// <see cref="OursServer"/>'s handlers: one reply object per response, the same strings.
/// </summary>
internal sealed class HandWrittenGreeter : Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        ResponseCounter.Add();
        return Task.FromResult(new HelloReply { Message = "Hello " + request.Name });
    }

    public override async Task SayHellos(HellosRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            ResponseCounter.Add();
            await responseStream.WriteAsync(new HelloReply { Message = request.Name });
        }
    }

    public override async Task Chat(IAsyncStreamReader<HelloRequest> requestStream, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync())
        {
            ResponseCounter.Add();
            await responseStream.WriteAsync(new HelloReply { Message = request.Name });
        }
    }
}

/// <summary>
/// The hand-written service on the same host configuration as <see cref="RpcServer.HandleRpc"/> builds (slim builder,
/// Kestrel with HTTP/2 only, framework logs at Warning), so that the comparison isolates dispatch.
/// </summary>
internal sealed class HandWrittenServer(WebApplication app, string url) : IBenchServer
{
    public string Url => url;

    public long FailedCalls => 0;

    public static async Task<HandWrittenServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddGrpc();

        var app = builder.Build();
        app.MapGrpcService<HandWrittenGreeter>();
        await app.StartAsync();
        return new HandWrittenServer(app, app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Ours: <see cref="RpcServer"/> with plain-function handlers, as a user writes them.</summary>
internal sealed class OursServer(RpcServer server, Task serving, string url) : IBenchServer
{
    public string Url => url;

    public long FailedCalls => server.GetStatistics().Sum(s => s.Failed);

    public static async Task<OursServer> StartAsync()
    {
        var server = new RpcServer(new RpcServerOptions
        {
            Urls = { "http://127.0.0.1:0" },
            LogLevel = LogLevel.Warning,
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        });

        server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) =>
        {
            ResponseCounter.Add();
            return new HelloReply { Message = "Hello " + request.Name };
        });
        server.AddHandler("Greeter", "SayHellos", SayHellos);
        server.AddHandler("Greeter", "Chat", Chat);

        var serving = server.HandleRpcAsync();
        var urls = await server.WaitForServingAsync();
        return new OursServer(server, serving, urls[0]);
    }

    public async ValueTask DisposeAsync()
    {
        await server.StopAsync();
        await serving;
    }

    private static IEnumerable<HelloReply> SayHellos(HellosRequest request, Context context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            ResponseCounter.Add();
            yield return new HelloReply { Message = request.Name };
        }
    }

    private static async IAsyncEnumerable<HelloReply> Chat(IAsyncEnumerable<HelloRequest> requests, Context context)
    {
        await foreach (var request in requests)
        {
            ResponseCounter.Add();
            yield return new HelloReply { Message = request.Name };
        }
    }
}
