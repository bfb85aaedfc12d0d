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

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("The request message could not be parsed as HelloRequest.", error.Status.Detail);
        Assert.Equal("Hello still here", reply.Message);
        Assert.Empty(server.Reported);
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
        var lateRuns = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await TestServer.StartOnSocketAsync(
            s => s.AddHandler(GreeterRpcs.SayHello, async (request, context) =>
            {
                if (request.Name == "late")
                {
                    Interlocked.Increment(ref lateRuns);
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

        // A call made once the server is stopping, on a connection of its own: it races the listener's closing.
        HelloReply? lateReply = null;
        RpcException? refused = null;
        using (var fresh = GrpcChannel.ForAddress(server.Url))
        {
            try
            {
                lateReply = await new Greeter.GreeterClient(fresh).SayHelloAsync(new HelloRequest { Name = "late" }).ResponseAsync.WaitAsync(s_timeout);
            }
            catch (RpcException exception)
            {
                refused = exception;
            }
        }

        release.SetResult();
        var replies = await Task.WhenAll(calls).WaitAsync(s_timeout);
        await stopped.WaitAsync(s_timeout);

        Assert.True(server.Serving.IsCompletedSuccessfully);
        Assert.Equal(Enumerable.Range(0, InFlight).Select(i => i.ToString()), replies.Select(r => r.Message));

        // Never cut off: the late call either reached its handler and got its reply, or reached no handler at all.
        if (refused is null)
        {
            Assert.Equal(("late", 1), (lateReply!.Message, lateRuns));
        }
        else
        {
            Assert.Equal(0, lateRuns);
            AssertRefusedBeforeAnyResponse(refused);
        }

        server.Channel.Dispose();
    }

    /// <summary>
    /// How a call that a stopping server never took fails, exactly (issue 15.9, captured with tshark on loopback: see
    /// docs/hostile-inputs.md). The client library fails it itself, with no response from the server: UNAVAILABLE when
    /// the listener had closed (connection refused or reset); INTERNAL when Kestrel had accepted the connection in the
    /// instant before its listener closed and then, stopping, closed it with GOAWAY(last_stream_id 0, NO_ERROR), before
    /// or just after its SETTINGS: no stream was processed, but SocketsHttpHandler fails the connection's handshake with
    /// that, and Grpc.Net.Client maps HTTP/2 NO_ERROR, or a handshake without an answer, to INTERNAL.
    /// </summary>
    private static void AssertRefusedBeforeAnyResponse(RpcException refused)
    {
        var transport = refused.Status.DebugException;
        Assert.True(transport is HttpRequestException or System.Net.Sockets.SocketException, $"not a transport failure: {refused}");
        switch (refused.StatusCode)
        {
            case StatusCode.Unavailable:
                return;
            case StatusCode.Internal:
                var http = Assert.IsType<HttpRequestException>(transport);
                Assert.StartsWith("Error starting gRPC call.", refused.Status.Detail);
                var goAway = http.InnerException as HttpProtocolException;
                Assert.True(
                    (http.HttpRequestError == HttpRequestError.HttpProtocolError && goAway?.ErrorCode == 0)
                    || (http.InnerException is null && http.Message.Contains("HTTP/2 handshake", StringComparison.Ordinal)),
                    $"INTERNAL, but not the client's mapping of a connection closed before any stream was processed: {refused}");
                return;
            default:
                Assert.Fail($"A call the server never took failed with {refused.StatusCode}: {refused}");
                return;
        }
    }
}
