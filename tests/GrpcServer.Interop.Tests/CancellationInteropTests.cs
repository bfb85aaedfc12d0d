using Grpc.Core;
using Grpc.Testing;
using static GrpcServer.Interop.Tests.InteropTestServer;

namespace GrpcServer.Interop.Tests;

/// <summary>
/// The interop cases where the call ends under the server: cancel_after_begin, cancel_after_first_response,
/// timeout_on_sleeping_server. In each, the handler must end and the server keep serving.
/// </summary>
public sealed class CancellationInteropTests
{
    [Fact]
    public async Task Cancel_after_begin_ends_CANCELLED_and_the_server_keeps_serving()
    {
        await using var server = await StartAsync();
        using var cancellation = new CancellationTokenSource();

        using var call = server.Client.StreamingInputCall(Bounded(cancellationToken: cancellation.Token));
        cancellation.Cancel();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await server.AssertStillServesAsync();
    }

    [Fact]
    public async Task Cancel_after_first_response_ends_the_handler_and_the_server_keeps_serving()
    {
        await using var server = await StartAsync();
        using var cancellation = new CancellationTokenSource();

        using var call = server.Client.FullDuplexCall(Bounded(cancellationToken: cancellation.Token));
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 31415 } },
            Payload = Payloads.Zeros(27182),
        });
        Assert.True(await call.ResponseStream.MoveNext());
        Payloads.AssertZeros(31415, call.ResponseStream.Current.Payload);
        cancellation.Cancel();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await Eventually.TrueAsync(() => server.Statistics("FullDuplexCall").Failed == 1, "the FullDuplexCall handler has ended");
        await server.AssertStillServesAsync();
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Cancel_during_interval_us_ends_the_handler_without_waiting_out_the_interval()
    {
        await using var server = await StartAsync();
        using var cancellation = new CancellationTokenSource();
        var request = new StreamingOutputCallRequest
        {
            // The second response is due in 10 minutes, far beyond the test's bound: only a cancelled wait ends the handler in time.
            ResponseParameters = { new ResponseParameters { Size = 1 }, new ResponseParameters { Size = 1, IntervalUs = 600_000_000 } },
        };

        using var call = server.Client.StreamingOutputCall(request, Bounded(cancellationToken: cancellation.Token));
        Assert.True(await call.ResponseStream.MoveNext());
        cancellation.Cancel();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await Eventually.TrueAsync(() => server.Statistics("StreamingOutputCall").Failed == 1, "the StreamingOutputCall handler has ended");
        await server.AssertStillServesAsync();
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Timeout_on_sleeping_server_ends_DEADLINE_EXCEEDED_and_the_server_keeps_serving()
    {
        await using var server = await StartAsync();

        // The server gets one request and then waits for the next, which never comes, while the deadline passes.
        using var call = server.Client.FullDuplexCall(deadline: DateTime.UtcNow.AddSeconds(1));
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Payloads.Zeros(27182) });
            await call.ResponseStream.MoveNext();
        });

        Assert.True(error.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled, $"status {error.Status}");
        await Eventually.TrueAsync(() => server.Statistics("FullDuplexCall").Failed == 1, "the FullDuplexCall handler has ended");
        Assert.Equal(1, server.Statistics("FullDuplexCall").MessagesReceived);
        await server.AssertStillServesAsync();
        Assert.Empty(server.HandlerFailures);
    }
}
