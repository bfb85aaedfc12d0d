using System;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Internal;

internal static partial class GrpcServerLog
{
    [LoggerMessage(1, LogLevel.Error, "The handler of {Rpc} failed.", EventName = "HandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, string rpc, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "OnHandlerException threw while reporting a failure of {Rpc}.", EventName = "OnHandlerExceptionFailed")]
    public static partial void OnHandlerExceptionFailed(ILogger logger, string rpc, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "The call {Rpc} ended because its connection was lost.", EventName = "ConnectionLost")]
    public static partial void ConnectionLost(ILogger logger, string rpc, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Serving {RpcCount} RPC handler(s) on {Urls}.", EventName = "Serving")]
    public static partial void Serving(ILogger logger, int rpcCount, string urls);

    [LoggerMessage(5, LogLevel.Warning, "Stopping because a handler failed and StopOnHandlerException is set.", EventName = "StoppingOnHandlerException")]
    public static partial void StoppingOnHandlerException(ILogger logger);

    // Startup and stop (10 and up, so that events added above in parallel work keep their numbers).

    [LoggerMessage(10, LogLevel.Warning, "{Count} RPC(s) of the served services have no handler, so their calls get UNIMPLEMENTED: {Rpcs}.", EventName = "RpcsWithoutHandler")]
    public static partial void RpcsWithoutHandler(ILogger logger, int count, string rpcs);

    [LoggerMessage(11, LogLevel.Warning,
        "The gRPC handlers cannot be called: gRPC needs HTTP/2, and the app's endpoints speak HTTP/1.1 only ({Endpoints}). "
        + "Without TLS, Kestrel speaks HTTP/2 only on an endpoint whose protocols are Http2, not its default Http1AndHttp2: "
        + "set Kestrel:EndpointDefaults:Protocols (or Kestrel:Endpoints:<name>:Protocols) to Http2 in the app's configuration, "
        + "or ListenOptions.Protocols = HttpProtocols.Http2 in ConfigureKestrel; or serve gRPC on an https:// endpoint.",
        EventName = "NoHttp2Endpoint")]
    public static partial void NoHttp2Endpoint(ILogger logger, string endpoints);

    [LoggerMessage(12, LogLevel.Information, "gRPC clients can call the handlers on {Http2Endpoints}, not on {Http1Endpoints}: HTTP/1.1 only.", EventName = "Http1OnlyEndpoints")]
    public static partial void Http1OnlyEndpoints(ILogger logger, string http2Endpoints, string http1Endpoints);

    [LoggerMessage(13, LogLevel.Debug, "HTTP/2 check of the app's endpoints: {Results}.", EventName = "Http2EndpointCheck")]
    public static partial void Http2EndpointCheck(ILogger logger, string results);

    [LoggerMessage(EventId = 14, Message = "Stopped. Calls in flight: {InFlightWhenStopping} when the stop began, {InFlight} when it ended.", EventName = "Stopped")]
    public static partial void Stopped(ILogger logger, LogLevel level, long inFlightWhenStopping, long inFlight);
    // What a client does wrong is Debug, never Error: a client must not be able to fill the log. Its ids start at 20,
    // away from the startup and stop events. Every client-controlled value is escaped (ClientText) before it is logged.

    /// <summary>A call ended because its client broke the gRPC protocol; the status detail may quote the client.</summary>
    public static void ClientProtocolError(ILogger logger, string rpc, Status status)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            ClientProtocolErrorCore(logger, rpc, status.StatusCode, ClientText.Escape(status.Detail), status.DebugException);
        }
    }

    /// <summary>A gRPC request for a path that no served service has, answered UNIMPLEMENTED.</summary>
    public static void UnknownMethod(ILogger logger, string path, string peer, string details)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            UnknownMethodCore(logger, ClientText.Escape(path), peer, details);
        }
    }

    /// <summary>A gRPC request with an HTTP method other than POST, refused before any handler ran.</summary>
    public static void NotPost(ILogger logger, string method, string path, string peer)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            NotPostCore(logger, ClientText.Escape(method), ClientText.Escape(path), peer);
        }
    }

    [LoggerMessage(20, LogLevel.Debug, "A client of {Rpc} broke the gRPC protocol; the call ended with {StatusCode}: {Detail}", EventName = "ClientProtocolError")]
    private static partial void ClientProtocolErrorCore(ILogger logger, string rpc, StatusCode statusCode, string detail, Exception? exception);

    [LoggerMessage(21, LogLevel.Debug, "No RPC is served at {Path} (called from {Peer}): answered UNIMPLEMENTED, {Details}", EventName = "UnknownMethod")]
    private static partial void UnknownMethodCore(ILogger logger, string path, string peer, string details);

    [LoggerMessage(22, LogLevel.Debug, "A gRPC request used {HttpMethod}, not POST, for {Path} (called from {Peer}): answered 405 Method Not Allowed.", EventName = "NotPost")]
    private static partial void NotPostCore(ILogger logger, string httpMethod, string path, string peer);
}
