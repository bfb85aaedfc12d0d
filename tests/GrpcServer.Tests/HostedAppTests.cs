using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Helloworld;
using Microsoft.Extensions.DependencyInjection;

namespace GrpcServer.Tests;

/// <summary>
/// Handlers served by an existing ASP.NET Core app (<c>AddGrpcHandlers</c> / <c>MapGrpcHandlers</c>): every
/// <see cref="RpcServiceOptions"/> property works there, one test each, and nothing that only the server's own host
/// can do is offered.
/// </summary>
public sealed class HostedAppTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static HelloReply Hello(HelloRequest request, Context context) => new() { Message = "Hello " + request.Name };

    private static Greeter.GreeterClient Client(HostedApp app) => new(app.Channel);

    [Fact]
    public async Task MaxReceiveMessageSize_refuses_a_larger_request_with_RESOURCE_EXHAUSTED()
    {
        await using var app = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o => o.MaxReceiveMessageSize = 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(app).SayHelloAsync(new HelloRequest { Name = new string('x', 4096) }).ResponseAsync);
        var reply = await Client(app).SayHelloAsync(new HelloRequest { Name = "small" });

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("Hello small", reply.Message);
    }

    [Fact]
    public async Task MaxSendMessageSize_refuses_a_larger_response_with_RESOURCE_EXHAUSTED()
    {
        await using var app = await HostedApp.StartAsync(
            new RpcServiceOptions { MaxSendMessageSize = 1024 },
            s => s.AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply { Message = new string('x', request.Name.Length) }));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(app).SayHelloAsync(new HelloRequest { Name = new string('n', 4096) }).ResponseAsync);
        var reply = await Client(app).SayHelloAsync(new HelloRequest { Name = "small" });

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("xxxxx", reply.Message);
    }

    [Fact]
    public async Task ResponseCompressionAlgorithm_compresses_responses_for_a_client_that_accepts_gzip()
    {
        await using var app = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, LongReply), o => o.ResponseCompressionAlgorithm = "gzip");

        var response = await RawSayHelloAsync(app.Url);

        Assert.Equal("gzip", response.Encoding);
        Assert.Equal(1, response.CompressedFlag);
        Assert.InRange(response.Length, 1, 1_000);
    }

    [Fact]
    public async Task ResponseCompressionLevel_is_the_level_responses_are_compressed_with()
    {
        await using var app = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, LongReply), o =>
        {
            o.ResponseCompressionAlgorithm = "gzip";
            o.ResponseCompressionLevel = CompressionLevel.NoCompression;
        });

        var response = await RawSayHelloAsync(app.Url);

        // Gzip without compression stores the message as it is, plus framing: larger, not smaller.
        Assert.Equal(1, response.CompressedFlag);
        Assert.True(response.Length > LongReplySize, $"frame of {response.Length} bytes");
    }

    [Fact]
    public async Task EnableDetailedErrors_sends_the_exception_message_and_is_off_by_default()
    {
        static HelloReply Fail(HelloRequest request, Context context) => throw new InvalidOperationException("boom");
        await using var detailed = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Fail), o => o.EnableDetailedErrors = true);
        await using var plain = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Fail));

        var withDetails = await Assert.ThrowsAsync<RpcException>(() => Client(detailed).SayHelloAsync(new HelloRequest()).ResponseAsync);
        var without = await Assert.ThrowsAsync<RpcException>(() => Client(plain).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Internal, withDetails.StatusCode);
        Assert.Equal("Exception was thrown by handler. InvalidOperationException: boom", withDetails.Status.Detail);
        Assert.Equal("Exception was thrown by handler.", without.Status.Detail);
    }

    [Fact]
    public async Task EnableHealthService_serves_health_by_default()
    {
        await using var app = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello));
        var health = new Health.HealthClient(app.Channel);

        var overall = await health.CheckAsync(new HealthCheckRequest());
        var greeter = await health.CheckAsync(new HealthCheckRequest { Service = "helloworld.Greeter" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, greeter.Status);
    }

    [Fact]
    public async Task EnableHealthService_off_leaves_health_unimplemented()
    {
        await using var app = await HostedApp.StartAsync(new RpcServiceOptions { EnableHealthService = false }, s => s.AddHandler(GreeterRpcs.SayHello, Hello));

        var error = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(app.Channel).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task EnableReflection_lists_the_served_services()
    {
        await using var app = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o => o.EnableReflection = true);
        using var call = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(app.Channel).ServerReflectionInfo();
        using var timeout = new CancellationTokenSource(s_timeout);

        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        await call.RequestStream.CompleteAsync();

        Assert.Contains("helloworld.Greeter", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task OnHandlerException_receives_each_handler_exception()
    {
        await using var app = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello,
            HelloReply (HelloRequest request, Context context) => throw new FormatException("bad " + request.Name)));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(app).SayHelloAsync(new HelloRequest { Name = "input" }).ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        var (rpc, exception) = Assert.Single(app.Reported);
        Assert.Equal("/helloworld.Greeter/SayHello", rpc);
        Assert.Equal("bad input", Assert.IsType<FormatException>(exception).Message);
    }

    [Fact]
    public void AddGrpcHandlers_refuses_RpcServerOptions_whose_host_settings_the_app_would_ignore()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentException>(() => services.AddGrpcHandlers(
            new RpcServerOptions { Urls = { "http://127.0.0.1:0" } }, s => s.AddHandler(GreeterRpcs.SayHello, Hello)));

        Assert.Equal("options", error.ParamName);
        Assert.Contains("RpcServiceOptions", error.Message);
    }

    [Fact]
    public async Task Server_served_by_an_app_refuses_to_serve_or_stop_itself()
    {
        await using var app = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello));

        var handle = Assert.Throws<InvalidOperationException>(() => app.Server.HandleRpc());
        // Thrown by the calls themselves, not by the tasks they would return.
        Assert.Throws<InvalidOperationException>(() => { _ = app.Server.StopAsync(); });
        Assert.Throws<InvalidOperationException>(() => { _ = app.Server.WaitForServingAsync(); });

        Assert.Contains("AddGrpcHandlers", handle.Message);
        Assert.Equal("Hello still", (await Client(app).SayHelloAsync(new HelloRequest { Name = "still" })).Message);
    }

    private const int LongReplySize = 10_000;

    private static HelloReply LongReply(HelloRequest request, Context context) => new() { Message = new string('a', LongReplySize) };

    /// <summary>
    /// Calls SayHello over plain HTTP/2, accepting gzip, and reads the response's first message frame as it crossed
    /// the wire: its compressed flag and length (a Grpc.Net.Client call would decompress it unseen).
    /// </summary>
    private static async Task<(string? Encoding, byte CompressedFlag, int Length)> RawSayHelloAsync(string url)
    {
        var message = new HelloRequest { Name = "raw" }.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url + GreeterRpcs.SayHello.FullName)
        {
            // h2c with prior knowledge, as gRPC clients speak to an http:// URL.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "gzip");
        using var cancel = new CancellationTokenSource(s_timeout);
        using var response = await http.SendAsync(request, cancel.Token);
        var body = await response.Content.ReadAsByteArrayAsync(cancel.Token);

        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        var encoding = response.Headers.TryGetValues("grpc-encoding", out var values) ? values.Single() : null;
        return (encoding, body[0], BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(1)));
    }
}
