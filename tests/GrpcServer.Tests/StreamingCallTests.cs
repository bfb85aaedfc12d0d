using System.Runtime.CompilerServices;
using Echo.V1;
using Grpc.Core;

namespace GrpcServer.Tests;

/// <summary>Server, client and bidirectional streaming end to end, and the error model while streaming.</summary>
public sealed class StreamingCallTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static Echo.V1.Echo.EchoClient Client(TestServer server) => new(server.Channel);

    private static IEnumerable<EchoReply> Repeat(EchoRequest request, Context context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            yield return new EchoReply { Text = request.Text, Index = i };
        }
    }

    private static async IAsyncEnumerable<EchoReply> RepeatAsync(EchoRequest request, Context context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await Task.Yield();
            yield return new EchoReply { Text = request.Text, Index = i };
        }
    }

    private static async Task<EchoReply> Concatenate(IAsyncEnumerable<EchoRequest> requests, Context context)
    {
        var text = "";
        var count = 0;
        await foreach (var request in requests)
        {
            text += request.Text;
            count++;
        }

        return new EchoReply { Text = text, Index = count };
    }

    private static async IAsyncEnumerable<EchoReply> Answer(IAsyncEnumerable<EchoRequest> requests, Context context)
    {
        var index = 0;
        await foreach (var request in requests)
        {
            yield return new EchoReply { Text = request.Text.ToUpperInvariant(), Index = index++ };
        }
    }

    private static async Task<List<EchoReply>> ReadAllAsync(IAsyncStreamReader<EchoReply> stream)
    {
        var replies = new List<EchoReply>();
        await foreach (var reply in stream.ReadAllAsync())
        {
            replies.Add(reply);
        }

        return replies;
    }

    [Fact]
    public async Task Server_streaming_enumerable_sends_every_response_in_order()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ServerStream", Repeat));

        using var call = Client(server).ServerStream(new EchoRequest { Text = "a", Count = 5 });
        var replies = await ReadAllAsync(call.ResponseStream);

        Assert.Equal([0, 1, 2, 3, 4], replies.Select(r => r.Index));
        Assert.All(replies, r => Assert.Equal("a", r.Text));
    }

    [Fact]
    public async Task Server_streaming_async_iterator_method_group_binds_and_streams()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ServerStream", RepeatAsync));

        using var call = Client(server).ServerStream(new EchoRequest { Text = "b", Count = 3 });
        var replies = await ReadAllAsync(call.ResponseStream);

        Assert.Equal([0, 1, 2], replies.Select(r => r.Index));
    }

    [Fact]
    public async Task Server_streaming_response_arrives_before_the_handler_finishes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<EchoReply> FirstThenWait(EchoRequest request, Context context)
        {
            yield return new EchoReply { Index = 0 };
            await release.Task.WaitAsync(context.CancellationToken);
            yield return new EchoReply { Index = 1 };
        }

        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ServerStream", FirstThenWait));
        using var call = Client(server).ServerStream(new EchoRequest());

        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        Assert.Equal(0, call.ResponseStream.Current.Index);
        release.SetResult();
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        Assert.Equal(1, call.ResponseStream.Current.Index);
        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
    }

    [Fact]
    public async Task Client_streaming_reads_every_request_until_the_client_completes()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ClientStream", Concatenate));

        using var call = Client(server).ClientStream();
        foreach (var text in new[] { "x", "y", "z" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = text });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync.WaitAsync(s_timeout);

        Assert.Equal("xyz", reply.Text);
        Assert.Equal(3, reply.Index);
    }

    [Fact]
    public async Task Bidirectional_handler_answers_each_request_before_the_next_is_sent()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "Duplex", Answer));

        using var call = Client(server).Duplex();
        foreach (var (text, index) in new[] { ("ping", 0), ("pong", 1), ("again", 2) })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = text });
            Assert.True(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
            Assert.Equal(text.ToUpperInvariant(), call.ResponseStream.Current.Text);
            Assert.Equal(index, call.ResponseStream.Current.Index);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Statistics_count_each_streamed_message()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "Duplex", Answer).AddHandler("Echo", "ServerStream", Repeat));

        using (var call = Client(server).Duplex())
        {
            for (var i = 0; i < 3; i++)
            {
                await call.RequestStream.WriteAsync(new EchoRequest { Text = "m" });
                Assert.True(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
            }

            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        }

        using (var call = Client(server).ServerStream(new EchoRequest { Count = 4 }))
        {
            await ReadAllAsync(call.ResponseStream);
        }

        var statistics = server.Server.GetStatistics().ToDictionary(s => s.Rpc);
        Assert.Equal(new RpcStatistics("/echo.v1.Echo/Duplex", 1, 0, 3, 3), statistics["/echo.v1.Echo/Duplex"]);
        Assert.Equal(new RpcStatistics("/echo.v1.Echo/ServerStream", 1, 0, 1, 4), statistics["/echo.v1.Echo/ServerStream"]);
    }

    [Fact]
    public async Task Bidirectional_with_no_requests_ends_OK_with_no_responses()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "Duplex", Answer));

        using var call = Client(server).Duplex();
        await call.RequestStream.CompleteAsync();

        Assert.Empty(await ReadAllAsync(call.ResponseStream).WaitAsync(s_timeout));
    }

    [Fact]
    public async Task Typed_descriptor_form_serves_every_kind()
    {
        await using var server = await TestServer.StartAsync(s => s
            .AddHandler(EchoRpcs.Unary, (request, context) => new EchoReply { Text = request.Text })
            .AddHandler(EchoRpcs.ServerStream, Repeat)
            .AddHandler(EchoRpcs.ClientStream, Concatenate)
            .AddHandler(EchoRpcs.Duplex, Answer));

        var unary = await Client(server).UnaryAsync(new EchoRequest { Text = "u" });
        using var stream = Client(server).ServerStream(new EchoRequest { Count = 2 });

        Assert.Equal("u", unary.Text);
        Assert.Equal(2, (await ReadAllAsync(stream.ResponseStream)).Count);
    }

    [Fact]
    public async Task Abort_mid_stream_sends_the_responses_so_far_then_the_status()
    {
        static IEnumerable<EchoReply> TwoThenAbort(EchoRequest request, Context context)
        {
            yield return new EchoReply { Index = 0 };
            yield return new EchoReply { Index = 1 };
            context.Abort(StatusCode.OutOfRange, "no more");
        }

        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ServerStream", TwoThenAbort));
        using var call = Client(server).ServerStream(new EchoRequest());
        var replies = new List<EchoReply>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                replies.Add(reply);
            }
        });

        Assert.Equal(2, replies.Count);
        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Equal("no more", error.Status.Detail);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Exception_mid_stream_becomes_INTERNAL_and_is_reported()
    {
        static async IAsyncEnumerable<EchoReply> OneThenThrow(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            await foreach (var request in requests)
            {
                yield return new EchoReply { Text = request.Text };
                throw new InvalidDataException("bad state");
            }
        }

        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "Duplex", OneThenThrow));
        using var call = Client(server).Duplex();
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "first" });

        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(s_timeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("Exception was thrown by handler.", error.Status.Detail);
        Assert.IsType<InvalidDataException>(Assert.Single(server.Reported).Exception);
    }

    [Fact]
    public async Task Null_item_becomes_INTERNAL_and_reports_ArgumentException()
    {
        static IEnumerable<EchoReply> OneThenNull(EchoRequest request, Context context)
        {
            yield return new EchoReply();
            yield return null!;
        }

        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ServerStream", OneThenNull));
        using var call = Client(server).ServerStream(new EchoRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(call.ResponseStream));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        var reported = Assert.IsAssignableFrom<ArgumentException>(Assert.Single(server.Reported).Exception);
        Assert.Contains("yielded a null item", reported.Message);
    }

    [Fact]
    public async Task Client_streaming_null_response_becomes_INTERNAL()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ClientStream",
            (IAsyncEnumerable<EchoRequest> requests, Context context) => Task.FromResult<EchoReply>(null!)));

        using var call = Client(server).ClientStream();
        await call.RequestStream.CompleteAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(s_timeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.IsAssignableFrom<ArgumentException>(Assert.Single(server.Reported).Exception);
    }

    [Fact]
    public async Task Client_cancellation_fires_the_handler_token_and_the_server_keeps_serving()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<EchoReply> WaitForever(EchoRequest request, Context context)
        {
            using var registration = context.CancellationToken.Register(() => cancelled.TrySetResult());
            started.SetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            yield return new EchoReply();
        }

        await using var server = await TestServer.StartAsync(s => s
            .AddHandler("Echo", "ServerStream", WaitForever)
            .AddHandler("Echo", "Unary", (EchoRequest r, Context c) => new EchoReply { Text = "alive" }));
        using var cts = new CancellationTokenSource();
        using var call = Client(server).ServerStream(new EchoRequest(), cancellationToken: cts.Token);
        await started.Task.WaitAsync(s_timeout);

        cts.Cancel();
        await cancelled.Task.WaitAsync(s_timeout);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("alive", (await Client(server).UnaryAsync(new EchoRequest())).Text);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Deadline_fires_the_handler_token_and_the_client_gets_DEADLINE_EXCEEDED()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<EchoReply> WaitForRequests(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            using var registration = context.CancellationToken.Register(() => cancelled.TrySetResult());
            await foreach (var request in requests)
            {
            }

            return new EchoReply();
        }

        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ClientStream", WaitForRequests));
        using var call = Client(server).ClientStream(deadline: DateTime.UtcNow.AddMilliseconds(200));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(s_timeout));
        await cancelled.Task.WaitAsync(s_timeout);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Lost_connection_surfaces_as_RpcErrorException_in_the_handler()
    {
        var seen = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<EchoReply> ReadUntilGone(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            var enumerator = requests.GetAsyncEnumerator();
            started.SetResult();
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception exception)
                {
                    seen.TrySetResult(exception);
                    throw;
                }
            }

            yield break;
        }

        await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler("Echo", "Duplex", ReadUntilGone));
        var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Url);
        var call = new Echo.V1.Echo.EchoClient(channel).Duplex();
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "hello" });
        await started.Task.WaitAsync(s_timeout);

        // Dropping the whole channel closes the HTTP/2 connection under the call.
        channel.Dispose();

        var exception = await seen.Task.WaitAsync(s_timeout);
        Assert.IsType<RpcErrorException>(exception);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Request_stream_can_be_enumerated_only_once()
    {
        static async Task<EchoReply> EnumerateTwice(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            await foreach (var request in requests)
            {
            }

            await foreach (var request in requests)
            {
            }

            return new EchoReply();
        }

        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ClientStream", EnumerateTwice));
        using var call = Client(server).ClientStream();
        await call.RequestStream.CompleteAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(s_timeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("only once", Assert.IsType<InvalidOperationException>(Assert.Single(server.Reported).Exception).Message);
    }

    [Fact]
    public async Task Handler_token_flows_into_async_iterator_with_EnumeratorCancellation()
    {
        var observed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<EchoReply> Observe(EchoRequest request, Context context, [EnumeratorCancellation] CancellationToken token = default)
        {
            observed.SetResult(token.CanBeCanceled && token == context.CancellationToken);
            await Task.Yield();
            yield return new EchoReply();
        }

        await using var server = await TestServer.StartAsync(s => s.AddHandler("Echo", "ServerStream", (EchoRequest r, Context c) => Observe(r, c)));
        using var call = Client(server).ServerStream(new EchoRequest());
        await ReadAllAsync(call.ResponseStream);

        Assert.True(await observed.Task.WaitAsync(s_timeout));
    }
}
