using System;
using System.IO;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Internal;

/// <summary>
/// Turns what a handler did into what the client receives (DESIGN.md's error mapping), and reports handler
/// failures to the log, to <see cref="RpcServerOptions.OnHandlerException"/> and, when asked, to the server
/// so that it stops. Only failure paths come here; a successful call never does.
/// </summary>
internal sealed class CallDispatcher(RpcServerOptions options, ILogger logger, Action<Exception>? stop)
{
    internal const string HandlerExceptionDetails = "Exception was thrown by handler.";
    internal const string NullResponseDetails = "Handler returned null instead of a message.";
    internal const string UnimplementedDetails = "Method is unimplemented.";

    /// <summary>Maps an exception that left a handler (or its enumeration) to the exception grpc-dotnet turns into a status.</summary>
    public RpcException Fail(Context context, Exception exception)
    {
        switch (exception)
        {
            case RpcException rpcException:
                return rpcException;
            case AbortException abort:
                return new RpcException(new Status((Grpc.Core.StatusCode)abort.Code, abort.Details));
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                // The client cancelled or the deadline passed: grpc-dotnet has already settled the status.
                return new RpcException(new Status(Grpc.Core.StatusCode.Cancelled, "The call was cancelled."));
            case RpcErrorException:
                GrpcServerLog.ConnectionLost(logger, context.Rpc, exception);
                return new RpcException(new Status(Grpc.Core.StatusCode.Unavailable, "The connection was lost."));
            default:
                Report(context, exception);
                var details = options.EnableDetailedErrors
                    ? $"{HandlerExceptionDetails} {exception.GetType().Name}: {exception.Message}"
                    : HandlerExceptionDetails;
                return new RpcException(new Status(Grpc.Core.StatusCode.Internal, details));
        }
    }

    /// <summary>A handler returned (or yielded) <see langword="null"/>: the seed's ValueError, reported as an <see cref="ArgumentException"/>.</summary>
    public RpcException NullResponse(Context context, Type responseType, bool item)
    {
        var what = item ? "yielded a null item" : "returned null";
        Report(context, new ArgumentException(
            $"The handler of {context.Rpc} {what} instead of a {TypeNames.Format(responseType)}. Return a message, or call context.Abort(...) to end the call with an error status."));
        return new RpcException(new Status(Grpc.Core.StatusCode.Internal, NullResponseDetails));
    }

    /// <summary>An RPC of a served service that has no handler: the seed's NotImplementedError.</summary>
    public RpcException Unimplemented(ServerCallContext call)
    {
        var context = new Context(call);
        Report(context, new NotImplementedException(
            $"No handler was added for {call.Method}; add one with server.AddHandler before calling HandleRpc."));
        return new RpcException(new Status(Grpc.Core.StatusCode.Unimplemented, UnimplementedDetails));
    }

    /// <summary>
    /// Maps a failure to read a request or write a response. When the call has ended under the handler (client
    /// reset, connection lost, deadline), the handler sees <see cref="RpcErrorException"/>; anything else is ours to rethrow.
    /// </summary>
    public static Exception StreamFailure(ServerCallContext call, Exception exception, string action) =>
        exception is IOException || call.CancellationToken.IsCancellationRequested
            ? new RpcErrorException($"The connection of {call.Method} closed while {action}.", exception)
            : exception;

    private void Report(Context context, Exception exception)
    {
        GrpcServerLog.HandlerFailed(logger, context.Rpc, exception);
        if (options.OnHandlerException is { } callback)
        {
            try
            {
                callback(context, exception);
            }
            catch (Exception callbackException)
            {
                // A failing callback must not change what the client receives.
                GrpcServerLog.OnHandlerExceptionFailed(logger, context.Rpc, callbackException);
            }
        }

        if (options.StopOnHandlerException && stop is not null)
        {
            stop(exception);
        }
    }
}
