using System;
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
}
