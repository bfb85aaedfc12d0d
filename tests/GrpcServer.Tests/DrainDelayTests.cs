using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Helloworld;
using GrpcStatusCode = Grpc.Core.StatusCode;

namespace GrpcServer.Tests;

/// <summary>
/// RpcServerOptions.DrainDelay: once a stop begins the health service says NOT_SERVING while the server still accepts
/// connections and serves calls, for the delay; then it closes its listener and stops as before.
/// </summary>
public sealed class DrainDelayTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_drainDelay = TimeSpan.FromSeconds(1);

    private static HelloReply Hello(HelloRequest request, Context context) => new() { Message = "Hello " + request.Name };

    [Fact]
    public async Task DrainDelay_serves_new_connections_and_calls_after_NOT_SERVING_then_closes_the_listener()
    {
        var server = await TestServer.StartOnSocketAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o => o.DrainDelay = s_drainDelay);
        using var timeout = new CancellationTokenSource(s_timeout);
        var watch = new Health.HealthClient(server.Channel).Watch(new HealthCheckRequest(), cancellationToken: timeout.Token);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        // Not awaited here: the stop goes on while the test calls the draining server.
        var stopping = Stopwatch.StartNew();
        var stop = server.Server.StopAsync();
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);

        // NOT_SERVING, and yet a new connection is accepted and a call on it is served: the delay has not run out.
        using (var during = GrpcChannel.ForAddress(server.Url))
        {
            var health = await new Health.HealthClient(during).CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token);
            var reply = await new Greeter.GreeterClient(during).SayHelloAsync(new HelloRequest { Name = "draining" }, cancellationToken: timeout.Token);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
            Assert.Equal("Hello draining", reply.Message);
            Assert.True(stopping.Elapsed < s_drainDelay, $"the calls took {stopping.Elapsed}: too slow to show anything");
        }

        // A Watch call is in flight until its client ends it; ending it lets the stop finish at once.
        watch.Dispose();
        await stop.WaitAsync(s_timeout);
        await server.Serving.WaitAsync(s_timeout);
        var stopped = stopping.Elapsed;

        using var after = GrpcChannel.ForAddress(server.Url);
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new Greeter.GreeterClient(after).SayHelloAsync(new HelloRequest { Name = "late" }, cancellationToken: timeout.Token).ResponseAsync);
        await server.DisposeAsync();

        Assert.True(stopped >= s_drainDelay - TimeSpan.FromMilliseconds(50), $"stopped after {stopped}, before the drain delay of {s_drainDelay}");
        Assert.Equal(GrpcStatusCode.Unavailable, refused.StatusCode);
    }
}
