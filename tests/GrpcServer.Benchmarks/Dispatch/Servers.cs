using Bench;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Benchmarks.Dispatch;

// This file and Scale/ScaleSources.cs are the only places the benchmark uses GrpcServer's API: RpcServer,
// RpcServerOptions (Urls, LogLevel, ShutdownTimeout), the named AddHandler form, Context.Abort, GetStatistics
// and RpcServer.MeterName. Adapt them here when the API changes.

/// <summary>The servers the dispatch benchmark compares, each serving Protos/bench.proto.</summary>
internal enum ServerKind
{
    /// <summary>
    /// A Grpc.AspNetCore service (Grpc.Tools' <c>Greeter.GreeterBase</c>, <c>MapGrpcService</c>) on the host
    /// configuration <see cref="RpcServer.HandleRpc"/> builds: slim builder, Kestrel HTTP/2, console logs at Warning.
    /// </summary>
    HandWritten,

    /// <summary>
    /// The same service tuned as grpc_bench tunes its .NET entry: <c>WebApplication.CreateSlimBuilder()</c> with the
    /// logging providers cleared, Kestrel HTTP/2, <c>IgnoreUnknownServices</c> (as RpcServer sets it).
    /// </summary>
    HandWrittenTuned,

    /// <summary><see cref="RpcServer"/> with <c>LogLevel = Warning</c>: the same logging as <see cref="HandWritten"/>.</summary>
    Ours,

    /// <summary><see cref="RpcServer"/> with default options (only the URL set): what a user gets.</summary>
    OursDefaults,
}

/// <summary>Names and command-line spellings of <see cref="ServerKind"/>.</summary>
internal static class ServerKinds
{
    public static IReadOnlyList<ServerKind> All { get; } = Enum.GetValues<ServerKind>();

    public static bool IsOurs(this ServerKind kind) => kind is ServerKind.Ours or ServerKind.OursDefaults;

    public static string Name(this ServerKind kind) => kind switch
    {
        ServerKind.HandWritten => "hand-written, same host",
        ServerKind.HandWrittenTuned => "hand-written, tuned",
        ServerKind.Ours => "ours, LogLevel Warning",
        _ => "ours, default options",
    };

    public static string Argument(this ServerKind kind) => kind switch
    {
        ServerKind.HandWritten => "handwritten",
        ServerKind.HandWrittenTuned => "handwritten-tuned",
        ServerKind.Ours => "ours",
        _ => "ours-defaults",
    };

    public static ServerKind Parse(string? argument) =>
        All.FirstOrDefault(kind => kind.Argument() == argument, ServerKind.HandWritten);

    public static Task<IBenchServer> StartAsync(ServerKind kind) => kind switch
    {
        ServerKind.HandWritten => HandWrittenServer.StartAsync(tuned: false),
        ServerKind.HandWrittenTuned => HandWrittenServer.StartAsync(tuned: true),
        ServerKind.Ours => OursServer.StartAsync(defaults: false),
        _ => OursServer.StartAsync(defaults: true),
    };
}

/// <summary>Counts what the handlers do: a call (unary) or a message (streaming, either direction).</summary>
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

    /// <summary>The meter that publishes the server's statistics, if it has one.</summary>
    string? MeterName { get; }
}

/// <summary>
/// The hand-written service, written as grpc-dotnet's documentation writes one. Its work per call is exactly that of
/// <see cref="OursServer"/>'s handlers: one reply object per response, the same strings, one count per call or message.
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

    public override async Task<HelloReply> Collect(IAsyncStreamReader<HelloRequest> requestStream, ServerCallContext context)
    {
        var last = "";
        await foreach (var request in requestStream.ReadAllAsync())
        {
            ResponseCounter.Add();
            last = request.Name;
        }

        return new HelloReply { Message = last };
    }

    public override async Task Chat(IAsyncStreamReader<HelloRequest> requestStream, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync())
        {
            ResponseCounter.Add();
            await responseStream.WriteAsync(new HelloReply { Message = request.Name });
        }
    }

    // The hand-written way to fail a call, for both error rows.
    public override Task<HelloReply> SayHelloAbort(HelloRequest request, ServerCallContext context) => Fail();

    public override Task<HelloReply> SayHelloThrow(HelloRequest request, ServerCallContext context) => Fail();

    private static Task<HelloReply> Fail()
    {
        ResponseCounter.Add();
        throw new RpcException(new Status(Grpc.Core.StatusCode.NotFound, "no such greeting"));
    }
}

/// <summary>The hand-written service on one of two host configurations (see <see cref="ServerKind"/>).</summary>
internal sealed class HandWrittenServer(WebApplication app, string url) : IBenchServer
{
    public string Url => url;

    public long FailedCalls => 0;

    public string? MeterName => null;

    public static async Task<IBenchServer> StartAsync(bool tuned)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (tuned)
        {
            builder.Logging.ClearProviders();
        }
        else
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddGrpc(options => options.IgnoreUnknownServices = tuned);

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

    public string? MeterName => RpcServer.MeterName;

    public static async Task<IBenchServer> StartAsync(bool defaults)
    {
        var options = new RpcServerOptions { Urls = { "http://127.0.0.1:0" }, ShutdownTimeout = TimeSpan.FromSeconds(2) };
        if (!defaults)
        {
            options.LogLevel = LogLevel.Warning;
        }

        var server = new RpcServer(options);
        server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) =>
        {
            ResponseCounter.Add();
            return new HelloReply { Message = "Hello " + request.Name };
        });
        server.AddHandler("Greeter", "SayHellos", SayHellos);
        server.AddHandler("Greeter", "Collect", Collect);
        server.AddHandler("Greeter", "Chat", Chat);
        server.AddHandler("Greeter", "SayHelloAbort", SayHelloAbort);
        server.AddHandler("Greeter", "SayHelloThrow", SayHelloThrow);

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

    private static async Task<HelloReply> Collect(IAsyncEnumerable<HelloRequest> requests, Context context)
    {
        var last = "";
        await foreach (var request in requests)
        {
            ResponseCounter.Add();
            last = request.Name;
        }

        return new HelloReply { Message = last };
    }

    private static async IAsyncEnumerable<HelloReply> Chat(IAsyncEnumerable<HelloRequest> requests, Context context)
    {
        await foreach (var request in requests)
        {
            ResponseCounter.Add();
            yield return new HelloReply { Message = request.Name };
        }
    }

    private static HelloReply SayHelloAbort(HelloRequest request, Context context)
    {
        ResponseCounter.Add();

        // StatusCode: GrpcServer's today, Grpc.Core's once GrpcServer.StatusCode is removed (the using above).
        context.Abort(StatusCode.NotFound, "no such greeting");
        return null!;
    }

    private static HelloReply SayHelloThrow(HelloRequest request, Context context)
    {
        ResponseCounter.Add();
        throw new RpcException(new Status(Grpc.Core.StatusCode.NotFound, "no such greeting"));
    }
}
