using System.Diagnostics;
using Google.Protobuf;
using Grpc.Testing;

namespace GrpcServer.Interop.Tests;

internal static class Payloads
{
    /// <summary>A COMPRESSABLE payload of <paramref name="size"/> zero bytes, as interop clients send.</summary>
    public static Payload Zeros(int size) => new() { Type = PayloadType.Compressable, Body = ByteString.CopyFrom(new byte[size]) };

    /// <summary>Asserts that <paramref name="payload"/> is what the server must send for a size: COMPRESSABLE zeros.</summary>
    public static void AssertZeros(int size, Payload payload)
    {
        Assert.Equal(PayloadType.Compressable, payload.Type);
        Assert.Equal(size, payload.Body.Length);
        Assert.True(payload.Body.Span.IndexOfAnyExcept((byte)0) < 0, "the payload is not all zeros");
    }
}

internal static class Eventually
{
    /// <summary>
    /// Waits (bounded by <see cref="InteropTestServer.Timeout"/>) until <paramref name="condition"/> holds: for state
    /// of the server that a client has nothing to await for, such as a handler having ended after a cancellation.
    /// </summary>
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > InteropTestServer.Timeout)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }
}
