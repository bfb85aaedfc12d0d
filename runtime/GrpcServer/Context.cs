using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using GrpcServer.Internal;

namespace GrpcServer;

/// <summary>
/// The call a handler is answering: passed to every handler, last after the request. The SR OS
/// module's <c>Context</c>, with the rest of the call's state from grpc-dotnet.
/// </summary>
public sealed class Context
{
    private readonly ServerCallContext _call;

    internal Context(ServerCallContext call) => _call = call;

    /// <summary>The full method path of the call, such as <c>/helloworld.Greeter/SayHello</c>.</summary>
    public string Rpc => _call.Method;

    /// <summary>Fires when the client cancels the call, its deadline passes, or the connection is lost.</summary>
    public CancellationToken CancellationToken => _call.CancellationToken;

    /// <summary>The call's deadline in UTC; <see cref="DateTime.MaxValue"/> when the client set none.</summary>
    public DateTime Deadline => _call.Deadline;

    /// <summary>The headers the client sent with the call.</summary>
    /// <exception cref="RpcException">A <c>-bin</c> header the client sent is not base64: the status is
    /// <see cref="StatusCode.Internal"/>, and letting the exception propagate ends the call with it, as a client's
    /// protocol error (logged at Debug, not reported as a handler failure).</exception>
    public Metadata RequestHeaders
    {
        get
        {
            try
            {
                return _call.RequestHeaders;
            }
            catch (FormatException exception)
            {
                // grpc-dotnet decodes -bin headers when they are first read, and throws FormatException for bad base64:
                // what the client sent, so it must not look like the handler's own failure.
                throw ClientProtocolException.MalformedBinaryHeader(_call, exception);
            }
        }
    }

    /// <summary>Trailers sent to the client with the call's status; add to this collection before the handler returns.</summary>
    public Metadata ResponseTrailers => _call.ResponseTrailers;

    /// <summary>The client's address, such as <c>ipv4:127.0.0.1:50312</c>.</summary>
    public string Peer => _call.Peer;

    /// <summary>Options for the response messages written after this is set, such as
    /// <see cref="WriteFlags.NoCompress"/> to send the next message uncompressed.</summary>
    public WriteOptions? WriteOptions
    {
        get => _call.WriteOptions;
        set => _call.WriteOptions = value;
    }

    /// <summary>The underlying grpc-dotnet call context, for anything this type does not expose.</summary>
    public ServerCallContext ServerCallContext => _call;

    /// <summary>
    /// Ends the call with a status: the client receives <paramref name="code"/> and <paramref name="details"/>.
    /// Never returns; it throws <see cref="AbortException"/>, which the server turns into the status.
    /// </summary>
    /// <example>
    /// <code>
    /// using Grpc.Core;   // StatusCode
    /// using GrpcServer;
    /// ...
    /// context.Abort(StatusCode.NotFound, "no user " + request.Name);
    /// </code>
    /// </example>
    /// <param name="code">The status code to send; any code but <see cref="StatusCode.OK"/>.</param>
    /// <param name="details">The status message; when omitted it is derived from the code (<c>NOT_FOUND</c>).</param>
    /// <exception cref="AbortException">Always: it carries the status out of the handler.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is <see cref="StatusCode.OK"/> or not a defined code.</exception>
    [DoesNotReturn]
    public void Abort(StatusCode code, string? details = null) => throw new AbortException(code, details);

    /// <summary>Sends the response headers now, before the first response message.</summary>
    /// <param name="responseHeaders">The headers to send.</param>
    /// <returns>A task that completes when the headers are written.</returns>
    public Task WriteResponseHeadersAsync(Metadata responseHeaders) => _call.WriteResponseHeadersAsync(responseHeaders);

    /// <inheritdoc/>
    public override string ToString() => Rpc;
}
