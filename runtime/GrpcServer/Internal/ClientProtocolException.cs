using System;
using System.Buffers;
using Grpc.AspNetCore.Server;
using Grpc.Core;

namespace GrpcServer.Internal;

/// <summary>
/// A call ended because its client broke the gRPC protocol: a message that cannot be parsed or decompressed, a
/// malformed message frame, a <c>-bin</c> header that is not base64. It carries the status the client receives (the
/// gRPC spec's: <c>INTERNAL</c> for what cannot be parsed), and it is an <see cref="RpcException"/>, so a handler that
/// meets it while reading learns the truth and, by letting it propagate, ends the call with that status.
/// <see cref="CallDispatcher"/> logs it at Debug and never reports it: nothing a client sends is a handler failure.
/// </summary>
internal sealed class ClientProtocolException : RpcException
{
    private ClientProtocolException(Status status)
        : base(status)
    {
    }

    /// <summary>A status the transport gave a request it could not read (size, framing, encoding), as a protocol error.</summary>
    public static ClientProtocolException From(Status status) => new(status);

    /// <summary>A message that is not a valid encoding of its type.</summary>
    public static ClientProtocolException Unparsable(string direction, string messageType, Exception exception) =>
        new(new Status(StatusCode.Internal, $"The {direction} message could not be parsed as {messageType}.", exception));

    /// <summary>A compressed message whose compressed bytes are corrupt.</summary>
    public static ClientProtocolException CorruptCompression(string encoding, Exception exception) =>
        new(new Status(StatusCode.Internal, $"A {ClientText.Escape(encoding)}-compressed request message could not be decompressed.", exception));

    /// <summary>A compressed message that decompresses to more than the server accepts (a compression bomb).</summary>
    public static ClientProtocolException DecompressedTooLarge(int limit) =>
        new(new Status(StatusCode.ResourceExhausted, $"A compressed request message decompresses to more than the maximum message size ({limit} bytes)."));

    /// <summary>A message frame whose compressed flag is neither 0 nor 1.</summary>
    public static ClientProtocolException MalformedFrame(Exception exception) =>
        new(new Status(StatusCode.Internal, "A request message frame is malformed: its compressed flag is neither 0 nor 1.", exception));

    /// <summary>A message frame whose length prefix is over 2 GB: more than any server accepts.</summary>
    public static ClientProtocolException LengthOverflow(Exception exception) =>
        new(new Status(StatusCode.ResourceExhausted, "A request message's length prefix is over 2 GB, above the maximum message size.", exception));

    /// <summary>A <c>-bin</c> request header that is not base64, found when the handler read the headers.</summary>
    public static ClientProtocolException MalformedBinaryHeader(ServerCallContext call, FormatException exception) =>
        new(new Status(StatusCode.Internal, $"The request header '{MalformedBinaryHeaderName(call)}' is not valid base64.", exception));

    // The error path only: finds which -bin header grpc-dotnet could not decode, by its own rule (padding optional).
    private static string MalformedBinaryHeaderName(ServerCallContext call)
    {
        try
        {
            foreach (var (name, values) in call.GetHttpContext().Request.Headers)
            {
                if (!name.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                foreach (var value in values)
                {
                    if (value is null || value.Length % 4 == 1 || !IsBase64(value))
                    {
                        return ClientText.Escape(name);
                    }
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Not a call of ASP.NET Core (a test double): the header goes unnamed.
        }

        return "-bin";
    }

    private static bool IsBase64(string value)
    {
        var padded = (value.Length % 4) switch { 2 => value + "==", 3 => value + "=", _ => value };
        var buffer = ArrayPool<byte>.Shared.Rent(padded.Length);
        try
        {
            return Convert.TryFromBase64String(padded, buffer, out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
