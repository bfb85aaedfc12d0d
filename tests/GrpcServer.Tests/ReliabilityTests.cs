using Echo.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Helloworld;

namespace GrpcServer.Tests;

/// <summary>Bad input, load and shutdown against a real server; loopback only, bounded in count and time.</summary>
public sealed class ReliabilityTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static readonly Method<byte[], byte[]> s_rawSayHello = new(
        MethodType.Unary, "helloworld.Greeter", "SayHello",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(bytes => bytes, bytes => bytes));

    private static HelloReply Hello(HelloRequest request, Context context) => new() { Message = "Hello " + request.Name };

    [Fact]
    public async Task Malformed_request_bytes_get_an_error_status_and_the_server_keeps_serving()
    {
        await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello));
        var invoker = server.Channel.CreateCallInvoker();

        // Field 1, length-delimited, claims 100 bytes but two follow: not a HelloRequest.
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            invoker.AsyncUnaryCall(s_rawSayHello, null, new CallOptions(), [0x0A, 100, 0x41, 0x42]).ResponseAsync);
        var reply = await new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest { Name = "still here" });

        Assert.NotEqual(StatusCode.OK, error.StatusCode);
        Assert.Equal("Hello still here", reply.Message);
    }

    [Fact]
    public async Task Request_over_the_maximum_size_is_RESOURCE_EXHAUSTED()
    {
        await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o => o.MaxReceiveMessageSize = 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest { Name = new string('x', 4096) }).ResponseAsync);
        var reply = await new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest { Name = "small" });

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("Hello small", reply.Message);
    }

    [Fact]
    public async Task Default_maximum_request_size_is_4_MB()
    {
        await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler(GreeterRpcs.SayHello, (HelloRequest r, Context c) => new HelloReply { Message = r.Name.Length.ToString() }));
        var client = new Greeter.GreeterClient(server.Channel);

        var accepted = await client.SayHelloAsync(new HelloRequest { Name = new string('a', 4 * 1024 * 1024 - 16) });
        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(new HelloRequest { Name = new string('a', 4 * 1024 * 1024 + 16) }).ResponseAsync);

        Assert.Equal((4 * 1024 * 1024 - 16).ToString(), accepted.Message);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Concurrent_streams_and_unary_calls_all_succeed()
    {
        static async IAsyncEnumerable<EchoReply> Answer(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            await foreach (var request in requests)
            {
                yield return new EchoReply { Text = request.Text, Index = request.Count };
            }
        }

        await using var server = await TestServer.StartAsync(s => s
            .AddHandler(EchoRpcs.Duplex, Answer)
            .AddHandler(EchoRpcs.Unary, (request, context) => new EchoReply { Text = request.Text, Index = request.Count }));
        var client = new Echo.V1.Echo.EchoClient(server.Channel);
        using var timeout = new CancellationTokenSource(s_timeout);

        var streams = Enumerable.Range(0, 200).Select(async stream =>
        {
            using var call = client.Duplex(cancellationToken: timeout.Token);
            for (var i = 0; i < 5; i++)
            {
                await call.RequestStream.WriteAsync(new EchoRequest { Text = $"s{stream}", Count = i });
                Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
                Assert.Equal(i, call.ResponseStream.Current.Index);
            }

            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext(timeout.Token));
        });
        var callers = Enumerable.Range(0, 50).Select(async caller =>
        {
            for (var i = 0; i < 400; i++)
            {
                var reply = await client.UnaryAsync(new EchoRequest { Text = $"c{caller}", Count = i }, cancellationToken: timeout.Token);
                Assert.Equal(i, reply.Index);
            }
        });

        await Task.WhenAll(streams.Concat(callers));

        var statistics = server.Server.GetStatistics().ToDictionary(s => s.Rpc);
        Assert.Equal(20_000, statistics["/echo.v1.Echo/Unary"].Successful);
        Assert.Equal(200, statistics["/echo.v1.Echo/Duplex"].Successful);
        Assert.Equal(0, statistics["/echo.v1.Echo/Unary"].Failed + statistics["/echo.v1.Echo/Duplex"].Failed);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Shutdown_lets_every_in_flight_call_finish_and_refuses_later_ones()
    {
        const int InFlight = 100;
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await TestServer.StartOnSocketAsync(
            s => s.AddHandler(GreeterRpcs.SayHello, async (request, context) =>
            {
                if (request.Name == "late")
                {
                    return new HelloReply { Message = "late" };
                }

                if (Interlocked.Increment(ref arrived) == InFlight)
                {
                    allArrived.SetResult();
                }

                await release.Task;
                return new HelloReply { Message = request.Name };
            }),
            o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var client = new Greeter.GreeterClient(server.Channel);
        var calls = Enumerable.Range(0, InFlight).Select(i => client.SayHelloAsync(new HelloRequest { Name = i.ToString() }).ResponseAsync).ToList();
        await allArrived.Task.WaitAsync(s_timeout);

        // Not awaited: the stop completes once the in-flight calls are done, and they wait for release.
        var stopped = server.Server.StopAsync();

        // A call made once the server is stopping either is refused before it starts or completes: never cut off.
        StatusCode late;
        using (var fresh = GrpcChannel.ForAddress(server.Url))
        {
            try
            {
                await new Greeter.GreeterClient(fresh).SayHelloAsync(new HelloRequest { Name = "late" }).ResponseAsync.WaitAsync(s_timeout);
                late = StatusCode.OK;
            }
            catch (RpcException exception)
            {
                late = exception.StatusCode;
            }
        }

        release.SetResult();
        var replies = await Task.WhenAll(calls).WaitAsync(s_timeout);
        await stopped.WaitAsync(s_timeout);

        Assert.True(server.Serving.IsCompletedSuccessfully);

        Assert.Equal(Enumerable.Range(0, InFlight).Select(i => i.ToString()), replies.Select(r => r.Message));
        Assert.Contains(late, new[] { StatusCode.OK, StatusCode.Unavailable });
        server.Channel.Dispose();
    }
}
