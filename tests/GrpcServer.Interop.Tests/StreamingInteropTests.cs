using Grpc.Core;
using Grpc.Testing;
using static GrpcServer.Interop.Tests.InteropTestServer;

namespace GrpcServer.Interop.Tests;

/// <summary>The streaming interop cases: client_streaming, server_streaming, ping_pong, empty_stream.</summary>
public sealed class StreamingInteropTests
{
    private static readonly int[] s_requestSizes = [27182, 8, 1828, 45904];
    private static readonly int[] s_responseSizes = [31415, 9, 2653, 58979];

    [Fact]
    public async Task Client_streaming_returns_the_sum_of_the_request_payload_sizes()
    {
        await using var server = await StartAsync();

        using var call = server.Client.StreamingInputCall(Bounded());
        foreach (var size in s_requestSizes)
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Payloads.Zeros(size) });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync;

        Assert.Equal(74922, reply.AggregatedPayloadSize);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Server_streaming_sends_one_response_per_parameter_in_order()
    {
        await using var server = await StartAsync();
        var request = new StreamingOutputCallRequest { ResponseType = PayloadType.Compressable };
        request.ResponseParameters.AddRange(s_responseSizes.Select(size => new ResponseParameters { Size = size }));

        using var call = server.Client.StreamingOutputCall(request, Bounded());
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(s_responseSizes, responses.Select(response => response.Payload.Body.Length));
        Assert.All(responses.Zip(s_responseSizes), pair => Payloads.AssertZeros(pair.Second, pair.First.Payload));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Server_streaming_waits_interval_us_before_a_response()
    {
        await using var server = await StartAsync();
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 1 }, new ResponseParameters { Size = 2, IntervalUs = 200_000 } },
        };

        using var call = server.Client.StreamingOutputCall(request, Bounded());
        Assert.True(await call.ResponseStream.MoveNext());
        var first = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await call.ResponseStream.MoveNext());

        Assert.Equal(2, call.ResponseStream.Current.Payload.Body.Length);
        Assert.True(first.Elapsed >= TimeSpan.FromMilliseconds(150), $"the second response came {first.Elapsed} after the first");
    }

    [Fact]
    public async Task Ping_pong_answers_each_request_before_the_next_is_sent()
    {
        await using var server = await StartAsync();

        using var call = server.Client.FullDuplexCall(Bounded());
        for (var i = 0; i < s_requestSizes.Length; i++)
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
            {
                ResponseType = PayloadType.Compressable,
                ResponseParameters = { new ResponseParameters { Size = s_responseSizes[i] } },
                Payload = Payloads.Zeros(s_requestSizes[i]),
            });

            // The request stream is still open: the response can only come from answering as requests arrive.
            Assert.True(await call.ResponseStream.MoveNext(), $"no response to request {i}");
            Payloads.AssertZeros(s_responseSizes[i], call.ResponseStream.Current.Payload);
        }

        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Empty_stream_ends_OK_with_no_responses()
    {
        await using var server = await StartAsync();

        using var call = server.Client.FullDuplexCall(Bounded());
        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Half_duplex_answers_every_request_in_order_after_the_half_close()
    {
        await using var server = await StartAsync();

        using var call = server.Client.HalfDuplexCall(Bounded());
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = 3 } } });
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = 5 }, new ResponseParameters { Size = 7 } } });
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal([3, 5, 7], responses.Select(response => response.Payload.Body.Length));
        Assert.Empty(server.HandlerFailures);
    }
}
