using Grpc.Core;
using Helloworld;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary><see cref="RpcServer.StopAsync"/>: it completes when the server has stopped, and is safe at any time.</summary>
public sealed class StopTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static HelloReply Hello(HelloRequest request, Context context) => new() { Message = "Hello " + request.Name };

    [Fact]
    public async Task StopAsync_completes_once_the_server_has_stopped_and_a_later_call_is_refused()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello));
        await new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest());

        await server.Server.StopAsync().WaitAsync(s_timeout);

        Assert.True(server.Serving.IsCompletedSuccessfully);
        var fresh = server.CreateChannel();
        var error = await Assert.ThrowsAsync<RpcException>(() => new Greeter.GreeterClient(fresh).SayHelloAsync(new HelloRequest()).ResponseAsync.WaitAsync(s_timeout));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task StopAsync_after_the_server_stopped_completes_at_once()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello));
        await server.Server.StopAsync().WaitAsync(s_timeout);

        var again = server.Server.StopAsync();

        Assert.True(again.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task StopAsync_before_HandleRpc_makes_it_return_without_listening()
    {
        var server = new RpcServer(new RpcServerOptions { Urls = { "http://127.0.0.1:0" }, LogLevel = LogLevel.None })
            .AddHandler(GreeterRpcs.SayHello, Hello);

        var stopped = server.StopAsync();
        await server.HandleRpcAsync().WaitAsync(s_timeout);

        Assert.True(stopped.IsCompletedSuccessfully);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.WaitForServingAsync().WaitAsync(s_timeout));
    }

    [Fact]
    public async Task StopAsync_completes_without_the_exception_that_stopped_the_server()
    {
        await using var server = await TestServer.StartAsync(
            s => s.AddHandler(GreeterRpcs.SayHello, HelloReply (HelloRequest request, Context context) => throw new FormatException("stop")),
            o => o.StopOnHandlerException = true);

        await Assert.ThrowsAsync<RpcException>(() => new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest()).ResponseAsync);
        await server.Server.StopAsync().WaitAsync(s_timeout);

        Assert.Equal("stop", (await Assert.ThrowsAsync<FormatException>(() => server.Serving)).Message);
    }
}
