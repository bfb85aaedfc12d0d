extern alias InteropSample;

using Grpc.Core;
using Grpc.Testing;
using static GrpcServer.Interop.Tests.InteropTestServer;
using InteropServer = InteropSample::Interop.InteropServer;

namespace GrpcServer.Interop.Tests;

/// <summary>
/// Issue 15.7: what a client asks the interop server to allocate is bounded, with a status for what is refused; the
/// server keeps serving and reports nothing.
/// </summary>
public sealed class BoundsInteropTests
{
    [Fact]
    public async Task A_response_size_over_the_limit_is_RESOURCE_EXHAUSTED_and_nothing_is_allocated()
    {
        await using var server = await StartAsync();

        var unary = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.UnaryCallAsync(new SimpleRequest { ResponseSize = int.MaxValue }, Bounded()).ResponseAsync);
        using var streaming = server.Client.StreamingOutputCall(
            new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = InteropServer.MaxPayloadSize + 1 } } },
            Bounded());
        var stream = await Assert.ThrowsAsync<RpcException>(() => streaming.ResponseStream.MoveNext());

        Assert.Equal((StatusCode.ResourceExhausted, $"Response size {int.MaxValue} is over this server's limit of {InteropServer.MaxPayloadSize} bytes."),
            (unary.StatusCode, unary.Status.Detail));
        Assert.Equal(StatusCode.ResourceExhausted, stream.StatusCode);
        await server.AssertStillServesAsync();
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Half_duplex_keeps_at_most_the_limit_of_requests_before_it_answers()
    {
        await using var server = await StartAsync();
        var megabyte = new StreamingOutputCallRequest { Payload = Payloads.Zeros(1024 * 1024) };

        using var call = server.Client.HalfDuplexCall(Bounded());
        try
        {
            for (var i = 0; i < 5; i++)
            {
                await call.RequestStream.WriteAsync(megabyte);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call while requests were still being written: its status says why.
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal((StatusCode.ResourceExhausted, $"HalfDuplexCall keeps at most {InteropServer.MaxPayloadSize} bytes of requests before it answers."),
            (error.StatusCode, error.Status.Detail));
        await server.AssertStillServesAsync();
        Assert.Empty(server.HandlerFailures);
    }
}
