using Google.Protobuf;
using Grpc.Core;
using Helloworld;

namespace GrpcServer.Tests;

/// <summary>Unary calls end to end: a real Kestrel server, a real Grpc.Net.Client channel.</summary>
public sealed class UnaryCallTests
{
    private static Greeter.GreeterClient Client(TestServer server) => new(server.Channel);

    [Fact]
    public async Task Handler_reply_reaches_the_client()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) => new HelloReply { Message = "Hello " + request.Name }));

        var reply = await Client(server).SayHelloAsync(new HelloRequest { Name = "World" });

        Assert.Equal("Hello World", reply.Message);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Async_handler_reply_reaches_the_client()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            async (HelloRequest request, Context context) =>
            {
                await Task.Yield();
                return new HelloReply { Message = "Hi " + request.Name };
            }));

        var reply = await Client(server).SayHelloAsync(new HelloRequest { Name = "async" });

        Assert.Equal("Hi async", reply.Message);
    }

    [Fact]
    public async Task Typed_descriptor_form_serves_the_same_rpc()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello,
            (request, context) => new HelloReply { Message = "typed " + request.Name }));

        var reply = await Client(server).SayHelloAsync(new HelloRequest { Name = "x" });

        Assert.Equal("typed x", reply.Message);
    }

    [Fact]
    public async Task Context_rpc_is_the_full_method_path()
    {
        string? rpc = null;
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) =>
            {
                rpc = context.Rpc;
                return new HelloReply();
            }));

        await Client(server).SayHelloAsync(new HelloRequest());

        Assert.Equal("/helloworld.Greeter/SayHello", rpc);
        Assert.Equal(GreeterRpcs.SayHello.FullName, rpc);
    }

    [Fact]
    public async Task Context_exposes_request_headers_deadline_peer_and_response_trailers()
    {
        string? header = null, peer = null;
        DateTime deadline = default;
        await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) =>
            {
                header = context.RequestHeaders.GetValue("x-test");
                peer = context.Peer;
                deadline = context.Deadline;
                context.ResponseTrailers.Add("x-trailer", "bye");
                return new HelloReply();
            }));
        var sentDeadline = DateTime.UtcNow.AddMinutes(5);

        using var call = Client(server).SayHelloAsync(new HelloRequest(), new Metadata { { "x-test", "hello" } }, sentDeadline);
        await call;

        Assert.Equal("hello", header);
        Assert.StartsWith("ipv4:127.0.0.1:", peer);
        Assert.InRange(deadline, sentDeadline.AddSeconds(-5), sentDeadline.AddSeconds(1));
        Assert.Equal("bye", call.GetTrailers().GetValue("x-trailer"));
    }

    [Fact]
    public async Task Abort_with_details_sends_code_and_details()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) =>
            {
                context.Abort(StatusCode.NotFound, "no user " + request.Name);
                return new HelloReply();
            }));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest { Name = "bob" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("no user bob", error.Status.Detail);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Abort_without_details_sends_code_name()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            async (HelloRequest request, Context context) =>
            {
                await Task.Yield();
                context.Abort(StatusCode.PermissionDenied);
                return new HelloReply();
            }));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("PERMISSION_DENIED", error.Status.Detail);
    }

    [Fact]
    public async Task Abort_keeps_trailers_the_handler_added()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) =>
            {
                context.ResponseTrailers.Add("x-reason", "quota");
                context.Abort(StatusCode.ResourceExhausted, "slow down");
                return new HelloReply();
            }));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("quota", error.Trailers.GetValue("x-reason"));
    }

    [Fact]
    public async Task RpcException_passes_through_with_status_and_trailers()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            HelloReply (HelloRequest request, Context context) =>
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "not ready"), new Metadata { { "x-retry", "later" } })));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("not ready", error.Status.Detail);
        Assert.Equal("later", error.Trailers.GetValue("x-retry"));
        Assert.Empty(server.Reported);
        Assert.Equal(1, Assert.Single(server.Server.GetStatistics(), st => st.Rpc == "/helloworld.Greeter/SayHello").Failed);
    }

    [Fact]
    public async Task RpcException_of_an_async_handler_passes_through_and_counts_as_failed()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            async Task<HelloReply> (HelloRequest request, Context context) =>
            {
                await Task.Yield();
                throw new RpcException(new Status(StatusCode.NotFound, "no " + request.Name));
            }));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest { Name = "one" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("no one", error.Status.Detail);
        Assert.Empty(server.Reported);
        var statistics = Assert.Single(server.Server.GetStatistics(), st => st.Rpc == "/helloworld.Greeter/SayHello");
        Assert.Equal((0, 1), (statistics.Successful, statistics.Failed));
    }

    [Fact]
    public async Task Exception_becomes_INTERNAL_without_its_message_and_is_reported()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            HelloReply (HelloRequest request, Context context) => throw new InvalidOperationException("secret connection string")));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("Exception was thrown by handler.", error.Status.Detail);
        var (rpc, exception) = Assert.Single(server.Reported);
        Assert.Equal("/helloworld.Greeter/SayHello", rpc);
        Assert.Equal("secret connection string", Assert.IsType<InvalidOperationException>(exception).Message);
    }

    [Fact]
    public async Task Exception_message_reaches_the_client_with_detailed_errors()
    {
        await using var server = await TestServer.StartAsync(
            s => s.AddHandler("Greeter", "SayHello", HelloReply (HelloRequest request, Context context) => throw new InvalidOperationException("boom")),
            options => options.EnableDetailedErrors = true);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("Exception was thrown by handler. InvalidOperationException: boom", error.Status.Detail);
    }

    [Fact]
    public async Task Exception_in_async_handler_becomes_INTERNAL_and_the_server_keeps_serving()
    {
        var calls = 0;
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            async (HelloRequest request, Context context) =>
            {
                await Task.Yield();
                return Interlocked.Increment(ref calls) == 1 ? throw new TimeoutException("first") : new HelloReply { Message = "second" };
            }));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest()).ResponseAsync);
        var reply = await Client(server).SayHelloAsync(new HelloRequest());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("second", reply.Message);
        Assert.IsType<TimeoutException>(Assert.Single(server.Reported).Exception);
    }

    [Fact]
    public async Task Null_response_becomes_INTERNAL_and_reports_ArgumentException()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            HelloReply (HelloRequest request, Context context) => null!));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        var reported = Assert.IsAssignableFrom<ArgumentException>(Assert.Single(server.Reported).Exception);
        Assert.Contains("returned null", reported.Message);
        Assert.Contains("HelloReply", reported.Message);
    }

    [Fact]
    public async Task Null_task_result_becomes_INTERNAL()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) => Task.FromResult<HelloReply>(null!)));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.IsAssignableFrom<ArgumentException>(Assert.Single(server.Reported).Exception);
    }

    [Fact]
    public async Task Rpc_of_a_served_service_without_handler_is_UNIMPLEMENTED_and_reported()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) => new HelloReply()));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client(server).SayHelloAgainAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        var (rpc, exception) = Assert.Single(server.Reported);
        Assert.Equal("/helloworld.Greeter/SayHelloAgain", rpc);
        Assert.IsType<NotImplementedException>(exception);
    }

    [Fact]
    public async Task Unknown_service_is_UNIMPLEMENTED_and_not_reported()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) => new HelloReply()));
        var client = new Echo.V1.Echo.EchoClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new Echo.V1.EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal("Service is unimplemented.", error.Status.Detail);

        // What a client calls is not the application's omission: nothing in the project declares it.
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Unknown_method_of_a_served_service_is_UNIMPLEMENTED_and_not_reported()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) => new HelloReply()));
        var unknown = new Method<HelloRequest, HelloReply>(
            MethodType.Unary, "helloworld.Greeter", "NoSuchMethod",
            Marshallers.Create(r => r.ToByteArray(), HelloRequest.Parser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), HelloReply.Parser.ParseFrom));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Channel.CreateCallInvoker().AsyncUnaryCall(unknown, null, new CallOptions(), new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal("Method is unimplemented.", error.Status.Detail);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Plain_HTTP_request_of_an_unknown_path_is_404_and_not_reported()
    {
        await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) => new HelloReply()));
        using var http = new HttpClient { DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http.GetAsync(server.Url + "/no/such/page");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(server.Reported);
    }
}
