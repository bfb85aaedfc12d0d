using System.Net;
using System.Net.Sockets;
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
