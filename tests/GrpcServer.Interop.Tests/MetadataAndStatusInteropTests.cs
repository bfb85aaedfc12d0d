using Grpc.Core;
using Grpc.Testing;
using static GrpcServer.Interop.Tests.InteropTestServer;

namespace GrpcServer.Interop.Tests;

/// <summary>The interop cases custom_metadata, status_code_and_message and special_status_message.</summary>
public sealed class MetadataAndStatusInteropTests
{
    private const string InitialValue = "test_initial_metadata_value";
    private static readonly byte[] s_trailingValue = [0xab, 0xab, 0xab];

    private static Metadata EchoHeaders() => new()
    {
        { "x-grpc-test-echo-initial", InitialValue },
        { "x-grpc-test-echo-trailing-bin", s_trailingValue },
    };

    [Fact]
    public async Task Custom_metadata_unary_echoes_the_initial_header_and_the_binary_trailer()
    {
        await using var server = await StartAsync();

        using var call = server.Client.UnaryCallAsync(
            new SimpleRequest { ResponseSize = 314159, Payload = Payloads.Zeros(271828) }, Bounded(EchoHeaders()));
        var reply = await call.ResponseAsync;

        Payloads.AssertZeros(314159, reply.Payload);
        Assert.Equal(InitialValue, (await call.ResponseHeadersAsync).GetValue("x-grpc-test-echo-initial"));
        Assert.Equal(s_trailingValue, call.GetTrailers().GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Fact]
    public async Task Custom_metadata_full_duplex_echoes_the_initial_header_and_the_binary_trailer()
    {
        await using var server = await StartAsync();

        using var call = server.Client.FullDuplexCall(Bounded(EchoHeaders()));
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 314159 } },
            Payload = Payloads.Zeros(271828),
        });
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Payloads.AssertZeros(314159, Assert.Single(responses).Payload);
        Assert.Equal(InitialValue, (await call.ResponseHeadersAsync).GetValue("x-grpc-test-echo-initial"));
        Assert.Equal(s_trailingValue, call.GetTrailers().GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Fact]
    public async Task Custom_metadata_trailer_is_echoed_with_an_error_status_too()
    {
        await using var server = await StartAsync();

        using var call = server.Client.UnaryCallAsync(
            new SimpleRequest { ResponseStatus = new EchoStatus { Code = 5, Message = "nope" } }, Bounded(EchoHeaders()));
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(InitialValue, (await call.ResponseHeadersAsync).GetValue("x-grpc-test-echo-initial"));
        Assert.Equal(s_trailingValue, error.Trailers.GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Fact]
    public async Task Status_code_and_message_unary_ends_the_call_with_them()
    {
        await using var server = await StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryCallAsync(
            new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = "test status message" } }, Bounded()).ResponseAsync);

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal("test status message", error.Status.Detail);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Status_code_and_message_full_duplex_ends_the_call_before_any_response()
    {
        await using var server = await StartAsync();

        using var call = server.Client.FullDuplexCall(Bounded());
        // The request also asks for a response: the status must come first, and alone.
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 10 } },
            ResponseStatus = new EchoStatus { Code = 2, Message = "test status message" },
        });

        // The request stream stays open: the status must not wait for the half-close.
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal("test status message", error.Status.Detail);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Special_status_message_reaches_the_client_byte_for_byte()
    {
        const string message = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";
        await using var server = await StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnaryCallAsync(
            new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = message } }, Bounded()).ResponseAsync);

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
    }

    [Fact]
    public async Task Status_code_and_message_server_streaming_ends_the_call_before_any_response()
    {
        await using var server = await StartAsync();

        using var call = server.Client.StreamingOutputCall(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 10 } },
            ResponseStatus = new EchoStatus { Code = 9, Message = "not now" },
        }, Bounded());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("not now", error.Status.Detail);
    }
}
