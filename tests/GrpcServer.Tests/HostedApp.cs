using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>
/// A real ASP.NET Core app on 127.0.0.1 with a free port that serves handlers with <c>AddGrpcHandlers</c> /
/// <c>MapGrpcHandlers</c>, and a real <see cref="GrpcChannel"/> to it. Disposing stops the app.
/// </summary>
internal sealed class HostedApp : IAsyncDisposable
{
    private HostedApp(WebApplication app, string url, ConcurrentQueue<(string, Exception)> reported)
    {
        App = app;
        Url = url;
        Channel = GrpcChannel.ForAddress(url);
        Reported = reported;
    }

    public WebApplication App { get; }

    /// <summary>The URL the app listens on, such as <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    public GrpcChannel Channel { get; }

    /// <summary>What <see cref="RpcServiceOptions.OnHandlerException"/> received, with the call's RPC; set by
    /// <see cref="StartAsync"/> unless the test sets its own callback.</summary>
    public ConcurrentQueue<(string Rpc, Exception Exception)> Reported { get; }

    /// <summary>The server that <c>AddGrpcHandlers</c> created and registered in the app's services.</summary>
    public RpcServer Server => App.Services.GetRequiredService<RpcServer>();

    /// <summary>Starts an app whose handlers get <paramref name="configure"/>'s options through the configure-action overload.</summary>
    public static Task<HostedApp> StartAsync(Action<RpcServer> addHandlers, Action<RpcServiceOptions>? configure = null)
    {
        var reported = new ConcurrentQueue<(string, Exception)>();
        return StartAsync(reported, services => services.AddGrpcHandlers(
            options =>
            {
                options.OnHandlerException = (context, exception) => reported.Enqueue((context.Rpc, exception));
                configure?.Invoke(options);
            },
            addHandlers));
    }

    /// <summary>Starts an app whose handlers get an options object through the options overload.</summary>
    public static Task<HostedApp> StartAsync(RpcServiceOptions options, Action<RpcServer> addHandlers) =>
        StartAsync(new ConcurrentQueue<(string, Exception)>(), services => services.AddGrpcHandlers(options, addHandlers));

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static async Task<HostedApp> StartAsync(ConcurrentQueue<(string, Exception)> reported, Action<IServiceCollection> addGrpcHandlers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        addGrpcHandlers(builder.Services);
        var app = builder.Build();
        app.MapGrpcHandlers();
        await app.StartAsync();
        return new HostedApp(app, app.Urls.First(), reported);
    }
}
