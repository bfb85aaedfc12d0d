using System.Collections.Concurrent;
using System.IO.Compression;
using Echo.V1;
using Google.Protobuf;
using Grpc.Core;
using GrpcServer.Tests.Hostile;
using Helloworld;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>
/// Issue 15: what a hostile client sends over a real socket (raw HTTP/2 from h2_hostile.py where no gRPC client would
/// send it), and what it gets: the status, the level it is logged at (everything is captured from Debug up, framework
/// included), nothing reported, and a server that answers a normal call right after. docs/hostile-inputs.md lists
/// every input with its status and log level. Bounded: a few requests each, one flood of 2,000.
/// </summary>
public sealed class HostileInputTests
{
    private const string EchoUnary = "/echo.v1.Echo/Unary";
    private const string EchoClientStream = "/echo.v1.Echo/ClientStream";
    private const string EchoDuplex = "/echo.v1.Echo/Duplex";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static readonly string s_validRequest = HostileClient.Frame(new EchoRequest { Text = "a" }.ToByteArray());

    // Field 1, length-delimited, claims 100 bytes but two follow: not an EchoRequest.
    private static readonly string s_unparsable = HostileClient.Frame([0x0A, 100, 0x41, 0x42]);

    private static readonly string[][] s_gzip = H2Request.GrpcHeaders(("grpc-encoding", "gzip"));

    // Flag 1 (compressed), but the bytes are not gzip.
    private static readonly string s_corruptGzip = HostileClient.Frame([0xDE, 0xAD, 0xBE, 0xEF, 0x00], flag: 1);

    [HostileFact]
    public async Task Item1_nothing_a_client_sends_stops_a_server_with_StopOnHandlerException()
    {
        await using var server = await HostileServer.StartAsync(o => o.StopOnHandlerException = true);

        var responses = await HostileClient.SendAsync(server.Url,
            new H2Request("/helloworld.Greeter/Nope", [s_validRequest]),
            new H2Request("/helloworld.Nope/SayHello", [s_validRequest]),
            new H2Request("/grpc.health.v1.Healt/Check", [HostileClient.Frame([])]),
            new H2Request("/", [s_validRequest]),
            new H2Request(EchoUnary, [s_validRequest], Headers: H2Request.GrpcHeaders(("x-token-bin", "!!not base64!!"))),
            new H2Request(EchoClientStream, [s_validRequest, s_corruptGzip], Headers: s_gzip));

        Assert.Equal(
            [
                (StatusCode.Unimplemented, "Method is unimplemented."),
                (StatusCode.Unimplemented, "Service is unimplemented."),
                (StatusCode.Unimplemented, "Service is unimplemented."),
                (StatusCode.Unimplemented, "Service is unimplemented."),
                (StatusCode.Internal, "The request header 'x-token-bin' is not valid base64."),
                (StatusCode.Internal, "A gzip-compressed request message could not be decompressed."),
            ],
            responses.Select(r => (r.GrpcStatus!.Value, r.GrpcMessage!)));
        await server.AssertServesAsync();
        Assert.False(server.Test.Serving.IsCompleted, "the server stopped");
        Assert.Empty(server.Test.Reported);
        server.Logs.AssertNothingAtWarningOrAbove();
        Assert.Equal(4, server.Logs.GrpcServerEvents("UnknownMethod").Count);
        Assert.Equal(2, server.Logs.GrpcServerEvents("ClientProtocolError").Count);
        Assert.All(server.Logs.GrpcServerEvents("UnknownMethod").Concat(server.Logs.GrpcServerEvents("ClientProtocolError")),
            entry => Assert.Equal(LogLevel.Debug, entry.Level));
    }

    [HostileFact]
    public async Task Item1_what_the_handler_throws_still_stops_the_server_and_says_so()
    {
        await using var server = await HostileServer.StartAsync(o => o.StopOnHandlerException = true);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Echo.V1.Echo.EchoClient(server.Test.Channel).UnaryAsync(new EchoRequest { Text = "throw" }).ResponseAsync.WaitAsync(s_timeout));
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => server.Test.Serving.WaitAsync(s_timeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("the handler's own bug", thrown.Message);
        Assert.Equal(LogLevel.Error, Assert.Single(server.Logs.GrpcServerEvents("HandlerFailed")).Level);
        Assert.Equal(LogLevel.Warning, Assert.Single(server.Logs.GrpcServerEvents("StoppingOnHandlerException")).Level);
    }

    [HostileFact]
    public async Task Item2_client_protocol_errors_are_logged_at_Debug_and_never_reported()
    {
        await using var server = await HostileServer.StartAsync();

        var responses = await HostileClient.SendAsync(server.Url,
            new H2Request(EchoUnary, [s_unparsable]),
            new H2Request(EchoUnary, [s_corruptGzip], Headers: s_gzip),
            new H2Request(EchoUnary, [s_validRequest], Headers: H2Request.GrpcHeaders(("x-token-bin", "a"))),
            new H2Request(EchoClientStream, [s_validRequest, s_unparsable]),
            new H2Request(EchoDuplex, [s_validRequest, s_corruptGzip], Headers: s_gzip),
            new H2Request("/helloworld.Greeter/Nope", [s_validRequest]));

        Assert.Equal(
            [StatusCode.Internal, StatusCode.Internal, StatusCode.Internal, StatusCode.Internal, StatusCode.Internal, StatusCode.Unimplemented],
            responses.Select(r => r.GrpcStatus));
        await server.AssertServesAsync();
        Assert.Empty(server.Test.Reported);
        server.Logs.AssertNothingAtWarningOrAbove();

        // Reading a unary request is grpc-dotnet's, before any handler: a call refused then is not one of the RPC's.
        // The unary call whose handler met the bad header, and the two streams, did reach their handlers: failed calls.
        var statistics = server.Test.Server.GetStatistics().ToDictionary(s => s.Rpc);
        Assert.Equal((0, 1), (statistics[EchoUnary].Successful, statistics[EchoUnary].Failed));
        Assert.Equal((0, 1), (statistics[EchoClientStream].Successful, statistics[EchoClientStream].Failed));
        Assert.Equal((0, 1), (statistics[EchoDuplex].Successful, statistics[EchoDuplex].Failed));
    }

    [H2LoadFact]
    public async Task Item2_a_flood_of_calls_to_a_junk_path_writes_nothing_above_Debug()
    {
        const int Calls = 2_000;
        await using var server = await HostileServer.StartAsync();
        var body = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(body, Convert.FromHexString(s_validRequest));
            var run = await Tools.RunAsync(Tools.H2Load!, s_timeout,
                "-n", Calls.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "4", "-m", "16", "-d", body,
                "-H", "content-type: application/grpc", "-H", "te: trailers", server.Url + "/junk.Service/Probe");

            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains($"{Calls} succeeded", run.Output);
        }
        finally
        {
            File.Delete(body);
        }

        await server.AssertServesAsync();
        Assert.Empty(server.Test.Reported);
        server.Logs.AssertNothingAtWarningOrAbove();
        Assert.Equal(Calls, server.Logs.GrpcServerEvents("UnknownMethod").Count);
    }

    [HostileFact]
    public async Task Item3_an_unparsable_message_is_INTERNAL_on_unary_and_on_streams_and_the_handler_is_told_so()
    {
        await using var server = await HostileServer.StartAsync();

        var responses = await HostileClient.SendAsync(server.Url,
            new H2Request(EchoUnary, [s_unparsable]),
            new H2Request(EchoClientStream, [s_validRequest, s_unparsable]),
            new H2Request(EchoDuplex, [s_validRequest, s_unparsable]));

        Assert.All(responses, r => Assert.Equal((StatusCode.Internal, "The request message could not be parsed as EchoRequest."), (r.GrpcStatus, r.GrpcMessage)));
        await server.AssertServesAsync();

        // The streaming handlers read one message, then learn that the client sent bytes that are not a message.
        Assert.Equal(2, server.HandlerSaw.Count);
        Assert.All(server.HandlerSaw, seen =>
        {
            var rpc = Assert.IsAssignableFrom<RpcException>(seen);
            Assert.IsNotType<RpcErrorException>(seen);
            Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        });
        Assert.Empty(server.Test.Reported);
        server.Logs.AssertNothingAtWarningOrAbove();
        Assert.Equal(2, server.Logs.GrpcServerEvents("ClientProtocolError").Count);
    }

    [HostileFact]
    public async Task Item3_broken_frames_get_the_status_of_what_they_claim_and_are_logged_at_Debug()
    {
        await using var server = await HostileServer.StartAsync(o => o.MaxReceiveMessageSize = 64 * 1024);
        var overflow = HostileClient.Frame([], length: 0xFFFF_FFFF);
        var badFlag = HostileClient.Frame(new EchoRequest { Text = "a" }.ToByteArray(), flag: 2);
        var bomb = HostileClient.Frame(Gzip(new EchoRequest { Text = new string('a', 1024 * 1024) }.ToByteArray()), flag: 1);

        var responses = await HostileClient.SendAsync(server.Url,
            new H2Request(EchoClientStream, [s_validRequest, overflow]),
            new H2Request(EchoDuplex, [s_validRequest, badFlag]),
            new H2Request(EchoClientStream, [s_validRequest, bomb], Headers: s_gzip),
            new H2Request(EchoUnary, [bomb], Headers: s_gzip),
            new H2Request(EchoUnary, [overflow]),
            new H2Request(EchoUnary, [badFlag]));

        Assert.Equal(
            [
                StatusCode.ResourceExhausted, StatusCode.Internal, StatusCode.ResourceExhausted, StatusCode.ResourceExhausted,

                // grpc-dotnet 2.85 reads a unary request before any GrpcServer code runs, and answers these two
                // UNKNOWN ("Exception was thrown by handler.") itself; GrpcServer's host logs them at Debug.
                StatusCode.Unknown, StatusCode.Unknown,
            ],
            responses.Select(r => r.GrpcStatus));
        await server.AssertServesAsync();
        Assert.All(server.HandlerSaw, seen => Assert.IsNotType<RpcErrorException>(seen));
        Assert.Empty(server.Test.Reported);
        server.Logs.AssertNothingAtWarningOrAbove();
        Assert.Equal(3, server.Logs.GrpcServerEvents("ClientProtocolError").Count);
        Assert.Equal(2, server.Logs.Entries.Count(e =>
            e is { Category: "Grpc.AspNetCore.Server.ServerCallHandler", Level: LogLevel.Debug, EventId.Id: 6 }));
    }

    [HostileFact]
    public async Task Item4_control_characters_a_client_sends_are_escaped_in_the_log()
    {
        await using var server = await HostileServer.StartAsync();

        var responses = await HostileClient.SendAsync(server.Url,
            new H2Request("/x/a%0D%0A%1B%5B31mFORGED\\", [s_validRequest]),
            new H2Request("/x/%E2%80%A8b%C2%85", [s_validRequest], Method: "PUT"));

        Assert.Equal(StatusCode.Unimplemented, responses[0].GrpcStatus);
        Assert.Equal(405, responses[1].Status);
        await server.AssertServesAsync();
        var unknown = Assert.Single(server.Logs.GrpcServerEvents("UnknownMethod")).Message;
        var notPost = Assert.Single(server.Logs.GrpcServerEvents("NotPost")).Message;
        Assert.Contains(@"/x/a\x0D\x0A\x1B[31mFORGED\\", unknown);
        Assert.Contains(@"/x/\u2028b\x85", notPost);
        Assert.All(server.Logs.Entries.Where(e => e.Category == "GrpcServer"), entry =>
            Assert.DoesNotContain(entry.Message, c => char.IsControl(c) || c is '\u2028' or '\u2029'));
    }

    [HostileFact]
    public async Task Item5_gRPC_methods_take_POST_only()
    {
        await using var server = await HostileServer.StartAsync();

        var responses = await HostileClient.SendAsync(server.Url,
            [.. new[] { "PUT", "GET", "DELETE", "PATCH" }.Select(method => new H2Request(EchoUnary, [s_validRequest], Method: method))]);

        Assert.All(responses, r =>
        {
            Assert.Equal(405, r.Status);
            Assert.Equal("POST", r.Headers["allow"]);
        });
        await server.AssertServesAsync();
        Assert.Equal(0, server.HandlerRuns);
        Assert.Equal(4, server.Logs.GrpcServerEvents("NotPost").Count);
        server.Logs.AssertNothingAtWarningOrAbove();
    }

    [HostileFact]
    public async Task Item5_gRPC_methods_take_POST_only_in_an_app_that_hosts_the_handlers()
    {
        var runs = 0;
        await using var app = await HostedApp.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, (request, context) =>
        {
            Interlocked.Increment(ref runs);
            return new HelloReply { Message = "Hello " + request.Name };
        }));
        var hello = HostileClient.Frame(new HelloRequest { Name = "x" }.ToByteArray());

        var responses = await HostileClient.SendAsync(app.Url,
            new H2Request("/helloworld.Greeter/SayHello", [hello], Method: "PUT"),
            new H2Request("/helloworld.Greeter/SayHello", [hello]));

        // As for grpc-dotnet's own services in an app: the method's endpoint takes POST only, and grpc-dotnet's
        // catch-all for unknown methods, which routing then picks, refuses what is not a gRPC POST with 404.
        Assert.Equal(404, responses[0].Status);
        Assert.Equal((200, StatusCode.OK), (responses[1].Status!.Value, responses[1].GrpcStatus!.Value));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Item6_statistics_count_what_the_client_was_told()
    {
        await using var server = await HostileServer.StartAsync(o => o.MaxSendMessageSize = 1024);
        var client = new Echo.V1.Echo.EchoClient(server.Test.Channel);

        // Long enough for the handler to start on a loaded machine: a call whose deadline passes while grpc-dotnet is
        // still reading its request never reaches the handler, and then this test would prove nothing.
        var late = await Assert.ThrowsAsync<RpcException>(() =>
            client.UnaryAsync(new EchoRequest { Text = "late" }, deadline: DateTime.UtcNow.AddSeconds(2)).ResponseAsync.WaitAsync(s_timeout));
        var big = await Assert.ThrowsAsync<RpcException>(() => client.UnaryAsync(new EchoRequest { Text = "big" }).ResponseAsync.WaitAsync(s_timeout));
        var fine = await client.UnaryAsync(new EchoRequest { Text = "fine" }).ResponseAsync.WaitAsync(s_timeout);
        await server.AssertServesAsync();

        // Once stopped, every handler has returned (the late one too) and been counted.
        await server.Test.Server.StopAsync();
        var statistics = server.Test.Server.GetStatistics().Single(s => s.Rpc == EchoUnary);

        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);
        Assert.Equal(3, server.HandlerRuns); // late, big and fine each reached the handler
        Assert.Equal(StatusCode.ResourceExhausted, big.StatusCode);
        Assert.Equal("fine", fine.Text);
        Assert.Equal((1, 2), (statistics.Successful, statistics.Failed));
        Assert.Empty(server.Test.Reported);
        server.Logs.AssertNothingAtWarningOrAbove();
    }

    [HostileFact]
    public async Task Item8_a_connection_over_MaxConcurrentConnections_is_closed_and_one_Warning_says_so()
    {
        await using var server = await HostileServer.StartAsync(o => o.MaxConcurrentConnections = 1);
        await server.AssertServesAsync(); // the channel's connection is the one allowed

        var refused = await HostileClient.SendAsync(server.Url,
            new H2Request(EchoUnary, [s_validRequest]),
            new H2Request(EchoUnary, [s_validRequest]),
            new H2Request(EchoUnary, [s_validRequest]));

        Assert.All(refused, r => Assert.Equal((null, true), (r.Status, r.Closed)));
        await server.AssertServesAsync();
        var warning = Assert.Single(server.Logs.AtOrAbove(LogLevel.Warning));
        Assert.Equal(("Microsoft.AspNetCore.Server.Kestrel.Connections", "ConnectionRejected"), (warning.Category, warning.EventId.Name));
        Assert.Equal(3, server.Logs.Entries.Count(e => e.EventId.Name == "ConnectionRejected"));
    }

    [HostileFact]
    public async Task Item8_a_stream_over_MaxConcurrentStreamsPerConnection_is_refused()
    {
        await using var server = await HostileServer.StartAsync(o => o.MaxConcurrentStreamsPerConnection = 2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Hold = release.Task;

        var responses = await HostileClient.SendAsync(server.Url,
            new H2Request(EchoDuplex, [s_validRequest], End: "open", Wait: false),
            new H2Request(EchoDuplex, [s_validRequest], End: "open", Wait: false, Connection: "previous"),
            new H2Request(EchoUnary, [s_validRequest], Connection: "previous"));

        Assert.Equal(7, responses[2].Reset); // REFUSED_STREAM
        release.SetResult();
        await server.AssertServesAsync();
        Assert.Empty(server.Test.Reported);
        server.Logs.AssertNothingAtWarningOrAbove();
    }

    [HostileFact]
    public async Task Item8_the_limits_can_come_from_Kestrel_configuration()
    {
        await using var server = await HostileServer.StartAsync(o => o.Args = ["--Kestrel:Limits:MaxConcurrentConnections=1"]);
        await server.AssertServesAsync();

        var refused = await HostileClient.SendAsync(server.Url, new H2Request(EchoUnary, [s_validRequest]));

        Assert.Equal((null, true), (refused[0].Status, refused[0].Closed));
        await server.AssertServesAsync();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>
    /// A <see cref="TestServer"/> with every log entry captured, serving helloworld.Greeter/SayHello and echo.v1.Echo:
    /// Unary reads the request headers (and for "throw" throws, for "late" answers after the deadline, for "big" answers
    /// 4 KB), ClientStream and Duplex read every request and record
    /// what exception, if any, their enumeration met.
    /// </summary>
    private sealed class HostileServer : IAsyncDisposable
    {
        private int _handlerRuns;

        private HostileServer(TestServer test, LogCapture logs)
        {
            Test = test;
            Logs = logs;
        }

        public TestServer Test { get; }

        public LogCapture Logs { get; }

        public string Url => Test.Url;

        public ConcurrentQueue<Exception> HandlerSaw { get; } = new();

        public int HandlerRuns => Volatile.Read(ref _handlerRuns);

        /// <summary>Duplex holds each call, after its first request, until this completes or its client goes.</summary>
        public Task Hold { get; set; } = Task.CompletedTask;

        public static async Task<HostileServer> StartAsync(Action<RpcServerOptions>? configure = null)
        {
            var logs = new LogCapture();
            HostileServer? server = null;
            var test = await TestServer.StartOnSocketAsync(
                s => s
                    .AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply { Message = "Hello " + request.Name })
                    .AddHandler(EchoRpcs.Unary, (request, context) => server!.UnaryAsync(request, context))
                    .AddHandler(EchoRpcs.ClientStream, (requests, context) => server!.ClientStreamAsync(requests))
                    .AddHandler(EchoRpcs.Duplex, (requests, context) => server!.DuplexAsync(requests, context)),
                o =>
                {
                    o.LogLevel = LogLevel.Debug;
                    o.ConfigureLogging = logs.Configure;
                    configure?.Invoke(o);
                });
            server = new HostileServer(test, logs);
            return server;
        }

        /// <summary>A normal call gets its normal answer.</summary>
        public async Task AssertServesAsync()
        {
            var reply = await new Greeter.GreeterClient(Test.Channel)
                .SayHelloAsync(new HelloRequest { Name = "still here" }, deadline: DateTime.UtcNow + s_timeout).ResponseAsync;
            Assert.Equal("Hello still here", reply.Message);
        }

        public ValueTask DisposeAsync() => Test.DisposeAsync();

        private async Task<EchoReply> UnaryAsync(EchoRequest request, Context context)
        {
            Interlocked.Increment(ref _handlerRuns);
            var headers = context.RequestHeaders.Count;
            switch (request.Text)
            {
                case "throw":
                    throw new InvalidOperationException("the handler's own bug");
                case "late":
                    // Ignores the deadline: waits until it has passed (the token fires then), and answers anyway.
                    var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    using (context.CancellationToken.Register(expired.SetResult))
                    {
                        await expired.Task;
                    }

                    return new EchoReply { Text = "too late" };
                case "big":
                    return new EchoReply { Text = new string('x', 4096) };
                default:
                    return new EchoReply { Text = request.Text, Index = headers };
            }
        }

        private async Task<EchoReply> ClientStreamAsync(IAsyncEnumerable<EchoRequest> requests)
        {
            Interlocked.Increment(ref _handlerRuns);
            var count = 0;
            try
            {
                await foreach (var request in requests)
                {
                    count++;
                }
            }
            catch (Exception exception)
            {
                HandlerSaw.Enqueue(exception);
                throw;
            }

            return new EchoReply { Index = count };
        }

        private async IAsyncEnumerable<EchoReply> DuplexAsync(IAsyncEnumerable<EchoRequest> requests, Context context)
        {
            Interlocked.Increment(ref _handlerRuns);
            await using var reading = requests.GetAsyncEnumerator();
            while (true)
            {
                EchoRequest request;
                try
                {
                    if (!await reading.MoveNextAsync())
                    {
                        yield break;
                    }

                    request = reading.Current;
                    await Hold.WaitAsync(context.CancellationToken);
                }
                catch (Exception exception)
                {
                    HandlerSaw.Enqueue(exception);
                    throw;
                }

                yield return new EchoReply { Text = request.Text };
            }
        }
    }
}
