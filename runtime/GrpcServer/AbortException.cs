using System;
using Grpc.Core;
using GrpcServer.Internal;

namespace GrpcServer;

/// <summary>
/// Thrown by <see cref="Context.Abort(StatusCode, string?)"/> to end a call with a status: the client
/// receives <see cref="Code"/> and <see cref="Details"/>. The SR OS module's <c>AbortError</c>. The codes are
/// <see cref="Grpc.Core.StatusCode"/>'s (<c>using Grpc.Core;</c>).
/// </summary>
/// <remarks>
/// The server catches this exception itself; a handler only needs to let it propagate. It is not
/// reported as a handler failure. It is an <see cref="RpcException"/> whose <see cref="RpcException.Status"/> is the
/// status the client receives, so it reaches grpc-dotnet as it is: ending a call costs one throw, as a hand-written
/// service's <c>throw new RpcException(...)</c> does, and an interceptor or middleware sees the status.
/// </remarks>
public sealed class AbortException : RpcException
{
    /// <summary>Creates the exception for a status code and details.</summary>
    /// <param name="code">The status the client receives; not <see cref="StatusCode.OK"/>.</param>
    /// <param name="details">The status message the client receives; when <see langword="null"/>, derived from
    /// <paramref name="code"/> (<c>NOT_FOUND</c> for <see cref="StatusCode.NotFound"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is <see cref="StatusCode.OK"/> or not a defined code.</exception>
    public AbortException(StatusCode code, string? details = null)
        : this(StatusFor(code, details))
    {
    }

    private AbortException(Status status)
        : base(status, status.Detail)
    {
    }

    /// <summary>The status code that ends the call.</summary>
    public StatusCode Code => StatusCode;

    /// <summary>The status message sent to the client.</summary>
    public string Details => Message;

    private static Status StatusFor(StatusCode code, string? details)
    {
        StatusCodeNames.CheckAbortCode(code, nameof(code));
        return new Status(code, details ?? StatusCodeNames.Get(code));
    }
}
