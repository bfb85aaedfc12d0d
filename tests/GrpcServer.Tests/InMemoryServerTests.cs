using System.Runtime.CompilerServices;
using Echo.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Helloworld;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>
/// <see cref="RpcServer.StartInMemoryAsync"/>: a real GrpcChannel to the production stack over in-process pipes, with
/// HTTP/2's semantics (status, trailers, deadlines, cancellation, flow control, streaming) and no port.
/// </summary>
public sealed class InMemoryServerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static RpcServer NewServer(Action<RpcServerOptions>? configure = null)
    {
        var options = new RpcServerOptions { LogLevel = LogLevel.None, ShutdownTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        return new RpcServer(options);
    }

    [Fact]
    public async Task Unary_call_gets_its_reply_status_and_trailers_and_the_server_listens_on_no_address()
    {
        string? peer = null;
        var server = NewServer().AddHandler(GreeterRpcs.SayHello, (request, context) =>
        {
            peer = context.Peer;
            context.ResponseTrailers.Add("x-served-by", "memory");
            if (request.Name.Length == 0)
            {
                context.Abort(StatusCode.InvalidArgument, "name is required");
            }

            return new HelloReply { Message = "Hello " + request.Name };
        });
        await using var test = await server.StartInMemoryAsync();
        var client = new Greeter.GreeterClient(test.Channel);

        using var call = client.SayHelloAsync(new HelloRequest { Name = "World" });
        var reply = await call;
        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(new HelloRequest()).ResponseAsync);
        var urls = await server.WaitForServingAsync();

        Assert.Equal("Hello World", reply.Message);
        Assert.Equal("memory", call.GetTrailers().GetValue("x-served-by"));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("name is required", error.Status.Detail);
        Assert.Equal("memory", error.Trailers.GetValue("x-served-by"));
        Assert.Equal(["http://in-memory"], urls);
        Assert.Equal("unknown", peer);
    }

    [Fact]
    public async Task Streams_of_every_kind_flow_under_HTTP2_flow_control()
    {
        // 2,000 replies of 1 KB: far more than a stream's 64 KB window and the pipes' buffers, so the handler is paced.
        static IEnumerable<EchoReply> Many(EchoRequest request, Context context)
        {
            for (var i = 0; i < request.Count; i++)
            {
                yield return new EchoReply { Text = request.Text, Index = i };
            }
        }

        static async Task<EchoReply> Count(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            var count = 0;
            await foreach (var request in requests)
            {
                count += request.Text.Length;
            }

            return new EchoReply { Index = count };
        }

        static async IAsyncEnumerable<EchoReply> PingPong(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            await foreach (var request in requests)
            {
                yield return new EchoReply { Text = request.Text, Index = request.Count };
            }
        }

        var server = NewServer().AddHandler(EchoRpcs.ServerStream, Many).AddHandler(EchoRpcs.ClientStream, Count).AddHandler(EchoRpcs.Duplex, PingPong);
        await using var test = await server.StartInMemoryAsync();
        var client = new Echo.V1.Echo.EchoClient(test.Channel);
        var kilobyte = new string('k', 1024);
        using var timeout = new CancellationTokenSource(s_timeout);

        using var many = client.ServerStream(new EchoRequest { Text = kilobyte, Count = 2000 }, cancellationToken: timeout.Token);
        var received = 0;
        await foreach (var reply in many.ResponseStream.ReadAllAsync(timeout.Token))
        {
            Assert.Equal(received++, reply.Index);
        }

        using var upload = client.ClientStream(cancellationToken: timeout.Token);
        for (var i = 0; i < 2000; i++)
        {
            await upload.RequestStream.WriteAsync(new EchoRequest { Text = kilobyte });
        }

        await upload.RequestStream.CompleteAsync();
        var counted = await upload;

        using var duplex = client.Duplex(cancellationToken: timeout.Token);
        for (var i = 0; i < 100; i++)
        {
            await duplex.RequestStream.WriteAsync(new EchoRequest { Text = "ping", Count = i });
            Assert.True(await duplex.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(i, duplex.ResponseStream.Current.Index);
        }

        await duplex.RequestStream.CompleteAsync();
        Assert.False(await duplex.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(2000, received);
        Assert.Equal(2000 * 1024, counted.Index);
        var statistics = server.GetStatistics().ToDictionary(s => s.Rpc);
        Assert.Equal(2000, statistics["/echo.v1.Echo/ServerStream"].MessagesSent);
        Assert.Equal(2000, statistics["/echo.v1.Echo/ClientStream"].MessagesReceived);
    }

    [Fact]
    public async Task Deadline_ends_the_call_with_DEADLINE_EXCEEDED_and_fires_the_handler_token()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = NewServer().AddHandler(GreeterRpcs.SayHello, async (request, context) =>
        {
            await using var registration = context.CancellationToken.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new HelloReply();
        });
        await using var test = await server.StartInMemoryAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => new Greeter.GreeterClient(test.Channel)
            .SayHelloAsync(new HelloRequest(), deadline: DateTime.UtcNow.AddMilliseconds(200)).ResponseAsync.WaitAsync(s_timeout));
        await cancelled.Task.WaitAsync(s_timeout);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Client_cancellation_reaches_the_handler_and_the_server_keeps_serving()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = NewServer().AddHandler(GreeterRpcs.SayHello, async (request, context) =>
        {
            if (request.Name == "wait")
            {
                await using var registration = context.CancellationToken.Register(() => cancelled.TrySetResult());
                started.SetResult();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }

            return new HelloReply { Message = "Hello " + request.Name };
        });
        await using var test = await server.StartInMemoryAsync();
        var client = new Greeter.GreeterClient(test.Channel);
        using var cancel = new CancellationTokenSource();

        var call = client.SayHelloAsync(new HelloRequest { Name = "wait" }, cancellationToken: cancel.Token).ResponseAsync;
        await started.Task.WaitAsync(s_timeout);
        cancel.Cancel();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(s_timeout));
        await cancelled.Task.WaitAsync(s_timeout);
        var after = await client.SayHelloAsync(new HelloRequest { Name = "again" });

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("Hello again", after.Message);
    }

    [Fact]
    public async Task Closing_a_channel_closes_its_connection_under_the_handler()
    {
        var seen = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<EchoReply> ReadUntilGone(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            var enumerator = requests.GetAsyncEnumerator();
            started.TrySetResult();
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

        var reported = new List<Exception>();
        var server = NewServer(o => o.OnHandlerException = (_, exception) => reported.Add(exception)).AddHandler(EchoRpcs.Duplex, ReadUntilGone);
        await using var test = await server.StartInMemoryAsync();
        var channel = test.CreateChannel();
        var call = new Echo.V1.Echo.EchoClient(channel).Duplex();
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "hello" });
        await started.Task.WaitAsync(s_timeout);

        channel.Dispose();

        Assert.IsType<RpcErrorException>(await seen.Task.WaitAsync(s_timeout));
        Assert.Empty(reported);

        // The other channel's connection is its own: it still serves.
        using var other = new Echo.V1.Echo.EchoClient(test.Channel).Duplex();
        await other.RequestStream.CompleteAsync();
        Assert.False(await other.ResponseStream.MoveNext().WaitAsync(s_timeout));
    }

    [Fact]
    public async Task Disposing_ends_open_calls_and_stops_the_server()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<EchoReply> Forever(EchoRequest request, Context context, [EnumeratorCancellation] CancellationToken token = default)
        {
            await using var registration = token.Register(() => cancelled.TrySetResult());
            yield return new EchoReply();
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        }

        var server = NewServer().AddHandler(EchoRpcs.ServerStream, (EchoRequest r, Context c) => Forever(r, c));
        var test = await server.StartInMemoryAsync();
        var call = new Echo.V1.Echo.EchoClient(test.Channel).ServerStream(new EchoRequest());
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        await started.Task.WaitAsync(s_timeout);

        await test.DisposeAsync().AsTask().WaitAsync(s_timeout);

        await cancelled.Task.WaitAsync(s_timeout);
        Assert.True(test.Completion.IsCompletedSuccessfully);
        Assert.True(server.StopAsync().IsCompletedSuccessfully);
        Assert.Throws<ObjectDisposedException>(() => test.CreateChannel());
    }

    [Fact]
    public async Task CreateChannel_applies_its_options_and_leaves_the_connection_to_the_server()
    {
        var server = NewServer().AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply { Message = new string('x', 4096) });
        await using var test = await server.StartInMemoryAsync();
        var options = new GrpcChannelOptions { MaxReceiveMessageSize = 1024 };

        var small = test.CreateChannel(options);
        var again = test.CreateChannel(options);
        var error = await Assert.ThrowsAsync<RpcException>(() => new Greeter.GreeterClient(small).SayHelloAsync(new HelloRequest()).ResponseAsync);
        var refused = Assert.Throws<ArgumentException>(() => test.CreateChannel(new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() }));
        var reply = await new Greeter.GreeterClient(test.Channel).SayHelloAsync(new HelloRequest());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.NotSame(small, again);
        Assert.Null(options.HttpHandler);
        Assert.Equal("options", refused.ParamName);
        Assert.Equal(4096, reply.Message.Length);
    }

    [Fact]
    public async Task StopOnHandlerException_stops_the_server_and_fails_Completion_with_the_exception()
    {
        var server = NewServer(o => o.StopOnHandlerException = true)
            .AddHandler(GreeterRpcs.SayHello, HelloReply (HelloRequest request, Context context) => throw new FormatException("stop"));
        await using var test = await server.StartInMemoryAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => new Greeter.GreeterClient(test.Channel).SayHelloAsync(new HelloRequest()).ResponseAsync);
        var thrown = await Assert.ThrowsAsync<FormatException>(() => test.Completion.WaitAsync(s_timeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("stop", thrown.Message);
    }

    [Fact]
    public async Task Starting_in_memory_is_refused_with_TLS_options_twice_or_for_an_app_server()
    {
        var tls = NewServer(o => o.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate)
            .AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply());
        var twice = NewServer().AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply());
        await using var first = await twice.StartInMemoryAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpcHandlers(s => s.AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply()));
        await using var app = builder.Build();

        var tlsError = await Assert.ThrowsAsync<InvalidOperationException>(() => tls.StartInMemoryAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => twice.StartInMemoryAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.Services.GetRequiredService<RpcServer>().StartInMemoryAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => NewServer().StartInMemoryAsync());

        Assert.Contains("TLS", tlsError.Message);
    }
}
