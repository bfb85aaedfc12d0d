using Grpc.Core;
using Grpc.Testing;
using static GrpcServer.Interop.Tests.InteropTestServer;

namespace GrpcServer.Interop.Tests;

/// <summary>The unary interop cases: empty_unary, large_unary, unimplemented_method, unimplemented_service.</summary>
public sealed class UnaryInteropTests
{
    [Fact]
    public async Task Empty_unary_returns_an_empty_message()
    {
        await using var server = await StartAsync();

        var reply = await server.Client.EmptyCallAsync(new Empty(), Bounded());

        Assert.Equal(new Empty(), reply);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Large_unary_returns_response_size_zero_bytes()
    {
        await using var server = await StartAsync();

        var reply = await server.Client.UnaryCallAsync(
            new SimpleRequest { ResponseType = PayloadType.Compressable, ResponseSize = 314159, Payload = Payloads.Zeros(271828) },
            Bounded());

        Payloads.AssertZeros(314159, reply.Payload);
        Assert.Empty(server.HandlerFailures);
    }

    [Fact]
    public async Task Cacheable_unary_marks_the_response_cacheable()
    {
        await using var server = await StartAsync();

        var call = server.Client.CacheableUnaryCallAsync(new SimpleRequest(), Bounded());
        var reply = await call.ResponseAsync;

        Assert.Equal("max-age=60, public", (await call.ResponseHeadersAsync).GetValue("cache-control"));
        Assert.False(reply.Payload.Body.IsEmpty);
    }

    [Fact]
    public async Task Unimplemented_method_of_the_test_service_is_UNIMPLEMENTED()
    {
        await using var server = await StartAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.UnimplementedCallAsync(new Empty(), Bounded()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        await server.AssertStillServesAsync();
    }

    [Fact]
    public async Task Unimplemented_service_is_UNIMPLEMENTED()
    {
        await using var server = await StartAsync();
        var client = new UnimplementedService.UnimplementedServiceClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.UnimplementedCallAsync(new Empty(), Bounded()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        await server.AssertStillServesAsync();
    }
}
