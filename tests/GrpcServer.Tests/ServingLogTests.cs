using Grpc.Core;
using Grpc.Net.Client;
using Helloworld;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>
/// What an operator reads about serving, in an ASP.NET Core app that hosts the handlers: at start, the RPCs that have
/// no handler and an endpoint no gRPC client can call (Kestrel's default Http1AndHttp2 on plain http://); at stop, how
/// many calls were in flight. The server's own host logs the same lines (the packaging test runs one and reads them).
/// </summary>
public sealed class ServingLogTests
{
    private static HelloReply Hello(HelloRequest request, Context context) => new() { Message = "Hello " + request.Name };

    [Fact]
    public async Task Plain_http_endpoint_with_Kestrels_default_protocols_gets_a_warning_naming_it_and_how_to_set_Http2()
    {
        await using var app = await StartAsync(
            builder => builder.WebHost.UseUrls("http://127.0.0.1:0"),
            server => server.AddHandler(GreeterRpcs.SayHello, Hello));

        var warning = await app.Log.WaitForAsync("NoHttp2Endpoint");

        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"the app's endpoints speak HTTP/1.1 only ({app.Url})", warning.Message, StringComparison.Ordinal);
        Assert.Contains("set Kestrel:EndpointDefaults:Protocols (or Kestrel:Endpoints:<name>:Protocols) to Http2", warning.Message, StringComparison.Ordinal);
        Assert.Contains("ListenOptions.Protocols = HttpProtocols.Http2", warning.Message, StringComparison.Ordinal);

        // What the warning is about: a real client's call fails there.
        using var channel = GrpcChannel.ForAddress(app.Url);
        await Assert.ThrowsAsync<RpcException>(() => new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "x" }).ResponseAsync);
    }

    [Fact]
    public async Task Endpoint_that_speaks_Http2_gets_no_warning_and_serves()
    {
        await using var app = await StartAsync(
            builder =>
            {
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
            },
            server => server.AddHandler(GreeterRpcs.SayHello, Hello));

        var check = await app.Log.WaitForAsync("Http2EndpointCheck");
        using var channel = GrpcChannel.ForAddress(app.Url);
        var reply = await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "h2c" });

        Assert.Equal($"HTTP/2 check of the app's endpoints: {app.Url} speaks HTTP/2.", check.Message);
        Assert.Empty(app.Log.Events("NoHttp2Endpoint"));
        Assert.Empty(app.Log.Events("Http1OnlyEndpoints"));
        Assert.Equal("Hello h2c", reply.Message);
    }

    [Fact]
    public async Task Web_endpoint_beside_an_Http2_endpoint_is_no_warning_and_the_log_says_where_grpc_clients_call()
    {
        // README's layout: the app's pages on one endpoint, gRPC on another whose protocols are Http2, from configuration.
        await using var app = await StartAsync(
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Web:Url"] = "http://127.0.0.1:0",
                ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
                ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            }),
            server => server.AddHandler(GreeterRpcs.SayHello, Hello));

        var info = await app.Log.WaitForAsync("Http1OnlyEndpoints");

        var urls = app.App.Urls.ToList();
        Assert.Equal(2, urls.Count);
        var grpcUrl = Assert.Single(urls, url => info.Message.StartsWith($"gRPC clients can call the handlers on {url},", StringComparison.Ordinal));
        var webUrl = Assert.Single(urls, url => url != grpcUrl);
        Assert.Equal(LogLevel.Information, info.Level);
        Assert.Equal($"gRPC clients can call the handlers on {grpcUrl}, not on {webUrl}: HTTP/1.1 only.", info.Message);
        Assert.Empty(app.Log.Events("NoHttp2Endpoint"));

        using var channel = GrpcChannel.ForAddress(grpcUrl);
        Assert.Equal("Hello both", (await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "both" })).Message);
        using var http = new HttpClient();
        Assert.Equal("Hello from the app", await http.GetStringAsync(webUrl));
    }

    [Fact]
    public async Task Rpcs_of_a_served_service_without_a_handler_are_listed_in_one_warning_at_start()
    {
        await using var app = await StartAsync(Http2, server => server.AddHandler(GreeterRpcs.SayHello, Hello));

        var warning = Assert.Single(app.Log.Events("RpcsWithoutHandler"));

        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("1 RPC(s) of the served services have no handler, so their calls get UNIMPLEMENTED: /helloworld.Greeter/SayHelloAgain.", warning.Message);
    }

    [Fact]
    public async Task Every_rpc_with_a_handler_is_no_warning()
    {
        await using var app = await StartAsync(Http2, server => server
            .AddHandler(GreeterRpcs.SayHello, Hello)
            .AddHandler(GreeterRpcs.SayHelloAgain, Hello));

        Assert.Empty(app.Log.Events("RpcsWithoutHandler"));
    }

    [Fact]
    public async Task Stop_logs_one_line_with_no_call_in_flight()
    {
        await using var app = await StartAsync(Http2, server => server.AddHandler(GreeterRpcs.SayHello, Hello));
        using (var channel = GrpcChannel.ForAddress(app.Url))
        {
            await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "before the stop" });
        }

        await app.DisposeAsync();

        var stopped = Assert.Single(app.Log.Events("Stopped"));
        Assert.Equal(LogLevel.Information, stopped.Level);
        Assert.Equal("Stopped. Calls in flight: 0 when the stop began, 0 when it ended.", stopped.Message);
    }

    [Fact]
    public async Task Stop_that_cuts_a_call_off_says_it_was_still_in_flight()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await StartAsync(
            builder =>
            {
                Http2(builder);
                // The stop does not wait for calls: the one below is still running when it ends.
                builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.Zero);
            },
            server => server.AddHandler(GreeterRpcs.SayHello, async (HelloRequest request, Context context) =>
            {
                started.SetResult();
                await release.Task;       // deaf to the cancellation, as a handler stuck in a call of its own would be
                return new HelloReply();
            }));
        using var channel = GrpcChannel.ForAddress(app.Url);
        var call = new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "cut off" });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await app.DisposeAsync();
        release.SetResult();
        await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        var stopped = Assert.Single(app.Log.Events("Stopped"));
        Assert.Equal(LogLevel.Warning, stopped.Level);
        Assert.Equal("Stopped. Calls in flight: 1 when the stop began, 1 when it ended.", stopped.Message);
    }

    private static void Http2(WebApplicationBuilder builder)
    {
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
    }

    private static async Task<LoggedApp> StartAsync(Action<WebApplicationBuilder> configure, Action<RpcServer> addHandlers)
    {
        var log = new ServingLogCapture();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        configure(builder);
        builder.Services.AddGrpcHandlers(addHandlers);
        var app = builder.Build();
        app.MapGet("/", () => "Hello from the app");
        app.MapGrpcHandlers();
        await app.StartAsync();
        return new LoggedApp(app, log);
    }

    private sealed class LoggedApp(WebApplication app, ServingLogCapture log) : IAsyncDisposable
    {
        private bool _disposed;

        public WebApplication App => app;

        public ServingLogCapture Log => log;

        public string Url => app.Urls.First();

        public async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }
}
