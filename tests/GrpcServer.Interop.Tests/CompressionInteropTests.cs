using Grpc.Core;
using Grpc.Testing;
using static GrpcServer.Interop.Tests.InteropTestServer;

namespace GrpcServer.Interop.Tests;

/// <summary>
/// The interop cases client_compressed_unary/streaming and server_compressed_unary/streaming, with what crossed
/// the wire (the grpc-encoding headers and each message frame's compressed flag) checked by <see cref="WireRecorder"/>.
/// </summary>
public sealed class CompressionInteropTests
{
    private const string UnaryCall = "/grpc.testing.TestService/UnaryCall";
    private const string StreamingInputCall = "/grpc.testing.TestService/StreamingInputCall";
    private const string StreamingOutputCall = "/grpc.testing.TestService/StreamingOutputCall";

    private static readonly BoolValue s_true = new() { Value = true };
    private static readonly BoolValue s_false = new() { Value = false };

    /// <summary>Headers that make Grpc.Net.Client compress the call's request messages with gzip.</summary>
    private static Metadata Gzip() => new() { { "grpc-internal-encoding-request", "gzip" } };

    [Fact]
    public async Task Client_compressed_unary_expecting_compression_of_an_uncompressed_request_is_INVALID_ARGUMENT()
    {
        await using var server = await StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryCallAsync(
            new SimpleRequest { ExpectCompressed = s_true, ResponseSize = 314159, Payload = Payloads.Zeros(271828) }, Bounded()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal([false], Assert.Single(server.Wire.CallsTo(UnaryCall)).RequestFrames);
    }

    [Fact]
    public async Task Client_compressed_unary_accepts_a_gzip_request_and_an_uncompressed_one()
    {
        await using var server = await StartAsync();

        var compressed = await server.Client.UnaryCallAsync(
            new SimpleRequest { ExpectCompressed = s_true, ResponseSize = 314159, Payload = Payloads.Zeros(271828) }, Bounded(Gzip()));
        var uncompressed = await server.Client.UnaryCallAsync(
            new SimpleRequest { ExpectCompressed = s_false, ResponseSize = 314159, Payload = Payloads.Zeros(271828) }, Bounded());

        Payloads.AssertZeros(314159, compressed.Payload);
        Payloads.AssertZeros(314159, uncompressed.Payload);
        var calls = server.Wire.CallsTo(UnaryCall);
        Assert.Equal("gzip", calls[0].RequestEncoding);
        Assert.Equal([true], calls[0].RequestFrames);
        Assert.Equal([false], calls[1].RequestFrames);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Client_compressed_streaming_rejects_an_uncompressed_request_expecting_compression_as_soon_as_it_arrives()
    {
        await using var server = await StartAsync();

        using var call = server.Client.StreamingInputCall(Bounded());
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = s_true, Payload = Payloads.Zeros(27182) });

        // No half-close: the server must answer on the message itself.
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Client_compressed_streaming_accepts_a_gzip_message_then_an_uncompressed_one()
    {
        await using var server = await StartAsync();

        using var call = server.Client.StreamingInputCall(Bounded(Gzip()));
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = s_true, Payload = Payloads.Zeros(27182) });
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = s_false, Payload = Payloads.Zeros(45904) });
        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync;

        Assert.Equal(73086, reply.AggregatedPayloadSize);
        var wire = Assert.Single(server.Wire.CallsTo(StreamingInputCall));
        Assert.Equal("gzip", wire.RequestEncoding);
        Assert.Equal([true, false], wire.RequestFrames);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Server_compressed_unary_compresses_the_response_only_when_asked()
    {
        await using var server = await StartAsync();

        var compressed = await server.Client.UnaryCallAsync(
            new SimpleRequest { ResponseCompressed = s_true, ResponseSize = 314159, Payload = Payloads.Zeros(271828) }, Bounded());
        var uncompressed = await server.Client.UnaryCallAsync(
            new SimpleRequest { ResponseCompressed = s_false, ResponseSize = 314159, Payload = Payloads.Zeros(271828) }, Bounded());

        Payloads.AssertZeros(314159, compressed.Payload);
        Payloads.AssertZeros(314159, uncompressed.Payload);
        var calls = server.Wire.CallsTo(UnaryCall);
        Assert.Equal("gzip", calls[0].ResponseEncoding);
        Assert.Equal([true], calls[0].ResponseFrames);
        Assert.Equal([false], calls[1].ResponseFrames);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Server_compressed_streaming_compresses_each_response_as_its_parameters_ask()
    {
        await using var server = await StartAsync();
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters =
            {
                new ResponseParameters { Compressed = s_true, Size = 31415 },
                new ResponseParameters { Compressed = s_false, Size = 92653 },
                new ResponseParameters { Compressed = s_true, Size = 100 },
            },
        };

        using var call = server.Client.StreamingOutputCall(request, Bounded());
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal([31415, 92653, 100], responses.Select(response => response.Payload.Body.Length));
        var wire = Assert.Single(server.Wire.CallsTo(StreamingOutputCall));
        Assert.Equal("gzip", wire.ResponseEncoding);
        Assert.Equal([true, false, true], wire.ResponseFrames);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Responses_are_uncompressed_unless_the_client_asks()
    {
        await using var server = await StartAsync();

        await server.Client.EmptyCallAsync(new Empty(), Bounded());
        using var call = server.Client.FullDuplexCall(Bounded());
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = 1000 }, new ResponseParameters { Size = 1000 } } });
        await call.RequestStream.CompleteAsync();
        await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal([false], Assert.Single(server.Wire.CallsTo("/grpc.testing.TestService/EmptyCall")).ResponseFrames);
        Assert.Equal([false, false], Assert.Single(server.Wire.CallsTo("/grpc.testing.TestService/FullDuplexCall")).ResponseFrames);
    }
}
