using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Helloworld;

namespace GrpcServer.Tests;

/// <summary>The checks <c>AddHandler</c> and <c>HandleRpc</c> make before anything is served.</summary>
public sealed class AddHandlerTests
{
    // Names go through variables: with constants the analyzer reports these mistakes at build time
    // (GRPCSRV101-105), and these tests are about the same checks at run time.
    private static readonly string s_greeter = "Greeter", s_twin = "Twin", s_echo = "Echo";

    private static HelloReply Reply(HelloRequest request, Context context) => new();

    private static string Name(string name) => name;

    private static Echo.V1.EchoReply[] Replies(Echo.V1.EchoRequest request, Context context) =>
        Enumerable.Range(0, request.Count).Select(i => new Echo.V1.EchoReply { Index = i }).ToArray();

    [Fact]
    public void Unknown_service_names_the_closest_service()
    {
        var error = Assert.Throws<ArgumentException>(() => new RpcServer().AddHandler(Name("Greter"), "SayHello", (HelloRequest r, Context c) => new HelloReply()));

        Assert.Equal("service", error.ParamName);
        Assert.Contains("No service 'Greter'", error.Message);
        Assert.Contains("Did you mean 'Greeter'?", error.Message);
        Assert.Contains("echo.v1.Echo", error.Message);
    }

    [Fact]
    public void Unknown_rpc_names_the_closest_rpc_and_lists_the_service_rpcs()
    {
        var error = Assert.Throws<ArgumentException>(() => new RpcServer().AddHandler(s_greeter, Name("SayHelo"), Reply));

        Assert.Equal("rpc", error.ParamName);
        Assert.Contains("Service 'helloworld.Greeter' has no RPC 'SayHelo'. Did you mean 'SayHello'?", error.Message);
        Assert.Contains("SayHelloAgain", error.Message);
    }

    [Fact]
    public void Unknown_package_names_the_packages_that_declare_the_service()
    {
        var error = Assert.Throws<ArgumentException>(() => new RpcServer().AddHandler(s_twin, "Ping", Reply, package: Name("twins.c")));

        Assert.Equal("package", error.ParamName);
        Assert.Contains("Did you mean 'twins.a'?", error.Message);
        Assert.Contains("twins.a.Twin, twins.b.Twin", error.Message);
    }

    [Fact]
    public void Service_declared_in_two_packages_needs_the_package()
    {
        var error = Assert.Throws<ArgumentException>(() => new RpcServer().AddHandler(s_twin, "Ping", Reply));

        Assert.Equal("package", error.ParamName);
        Assert.Contains("Service 'Twin' is declared in more than one package (twins.a.Twin, twins.b.Twin)", error.Message);
    }

    [Fact]
    public void Package_selects_one_of_two_services_of_the_same_name()
    {
        var server = new RpcServer()
            .AddHandler("Twin", "Ping", Reply, package: "twins.a")
            .AddHandler("Twin", "Ping", Reply, package: "twins.b");

        Assert.Throws<ArgumentException>(() => server.AddHandler(Twins.A.TwinRpcs.Ping, Reply));
        Assert.Throws<ArgumentException>(() => server.AddHandler(Twins.B.TwinRpcs.Ping, Reply));
    }

    [Fact]
    public void Handler_of_the_wrong_types_names_the_shape_the_rpc_takes()
    {
        var error = Assert.Throws<ArgumentException>(() => new RpcServer().AddHandler(s_echo, "Unary", Reply));

        Assert.Equal("handler", error.ParamName);
        Assert.Contains("/echo.v1.Echo/Unary", error.Message);
        Assert.Contains("Func<HelloRequest, Context, HelloReply>", error.Message);
        Assert.Contains("Func<EchoRequest, Context, EchoReply> or Func<EchoRequest, Context, Task<EchoReply>>", error.Message);
    }

    [Fact]
    public void Package_without_its_version_suggests_the_declared_package()
    {
        var error = Assert.Throws<ArgumentException>(() => new RpcServer().AddHandler(s_echo, "Unary", Reply, package: Name("echo")));

        Assert.Equal("package", error.ParamName);
        Assert.StartsWith("Service 'Echo' is not declared in package 'echo'. Did you mean 'echo.v1'? It is declared in: echo.v1.Echo.", error.Message);
    }

    [Fact]
    public void Full_service_name_needs_no_package_even_when_the_name_alone_is_ambiguous()
    {
        var server = new RpcServer().AddHandler(Name("twins.b.Twin"), "Ping", Reply);

        Assert.Throws<ArgumentException>(() => server.AddHandler(Twins.B.TwinRpcs.Ping, Reply));
        server.AddHandler(Twins.A.TwinRpcs.Ping, Reply);
    }

    [Fact]
    public async Task Full_service_name_registers_and_serves()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("helloworld.Greeter", "SayHello",
            (HelloRequest request, Context context) => new HelloReply { Message = "Hi " + request.Name }));

        var reply = await new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest { Name = "calc" });

        Assert.Equal("Hi calc", reply.Message);
    }

    [Fact]
    public void Handler_without_Context_says_to_add_it()
    {
        Delegate handler = (Echo.V1.EchoRequest request) => new Echo.V1.EchoReply();

        var error = Assert.Throws<ArgumentException>(() => new RpcServer().AddHandler(s_echo, "Unary", handler));

        Assert.Equal(
            "The handler does not fit the unary RPC /echo.v1.Echo/Unary (EchoRequest to EchoReply): the handler is a Func<EchoRequest, EchoReply>; "
            + "this RPC takes a Func<EchoRequest, Context, EchoReply> or Func<EchoRequest, Context, Task<EchoReply>>. Add a Context parameter after the request. (Parameter 'handler')",
            error.Message);
    }

    [Fact]
    public void Unary_shaped_handler_for_a_client_streaming_rpc_says_to_take_a_stream_and_return_a_task()
    {
        var error = Assert.Throws<ArgumentException>(() => new RpcServer().AddHandler(s_echo, "ClientStream",
            (Echo.V1.EchoRequest request, Context context) => new Echo.V1.EchoReply()));

        Assert.Contains(
            "this RPC takes a Func<IAsyncEnumerable<EchoRequest>, Context, Task<EchoReply>>. Take IAsyncEnumerable<EchoRequest>, not EchoRequest. Return Task<EchoReply>, not EchoReply.",
            error.Message);
    }

    [Fact]
    public async Task Handler_of_more_general_types_is_taken_as_delegate_variance_allows()
    {
        await using var server = await TestServer.StartAsync(s => s
            .AddHandler(s_greeter, "SayHello", (IMessage request, object context) => new HelloReply { Message = "any " + ((HelloRequest)request).Name })
            .AddHandler("Echo", "ServerStream", Replies));

        var reply = await new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest { Name = "message" });
        using var call = new Echo.V1.Echo.EchoClient(server.Channel).ServerStream(new Echo.V1.EchoRequest { Count = 2 });
        var replies = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal("any message", reply.Message);
        Assert.Equal(2, replies.Count);
    }

    [Fact]
    public void Second_handler_for_one_rpc_is_refused()
    {
        var server = new RpcServer().AddHandler("Greeter", "SayHello", Reply, package: "helloworld");

        var error = Assert.Throws<ArgumentException>(() => server.AddHandler(GreeterRpcs.SayHello, (HelloRequest r, Context c) => Task.FromResult(new HelloReply())));

        Assert.Equal("The unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply) already has a handler; an RPC takes exactly one. (Parameter 'handler')", error.Message);
    }

    [Fact]
    public void Null_handler_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new RpcServer().AddHandler(GreeterRpcs.SayHello, (Func<HelloRequest, Context, HelloReply>)null!));
    }

    [Fact]
    public void HandleRpc_without_handlers_throws_InvalidOperationException()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RpcServer().HandleRpc());

        Assert.Contains("AddHandler", error.Message);
    }

    [Fact]
    public async Task AddHandler_after_serving_started_throws_InvalidOperationException()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Reply));

        Assert.Throws<InvalidOperationException>(() => server.Server.AddHandler(GreeterRpcs.SayHelloAgain, Reply));
        Assert.Throws<InvalidOperationException>(() => server.Server.HandleRpc());
    }

    [Fact]
    public async Task Address_in_use_throws_RpcErrorException()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = new RpcServer(new RpcServerOptions { Urls = { $"http://127.0.0.1:{port}" }, LogLevel = Microsoft.Extensions.Logging.LogLevel.None })
            .AddHandler(GreeterRpcs.SayHello, Reply);

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => server.HandleRpcAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("could not start", error.Message);
        await Assert.ThrowsAsync<RpcErrorException>(() => server.WaitForServingAsync());
    }

    [Fact]
    public void Abort_with_Ok_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AbortException(StatusCode.OK));
    }
}
