using System;
using System.IO;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Internal;

/// <summary>
/// Turns what a handler did into what the client receives (DESIGN.md's error mapping), and reports handler
/// failures to the log, to <see cref="RpcServiceOptions.OnHandlerException"/> and, when the server's own host has
/// <see cref="RpcServerOptions.StopOnHandlerException"/> set, to the server so that it stops. Only failure paths come
/// here; a successful call never does.
/// </summary>
internal sealed class CallDispatcher(RpcServiceOptions options, ILogger logger, Func<Exception, bool>? stopOnHandlerException)
{
    internal const string HandlerExceptionDetails = "Exception was thrown by handler.";
    internal const string NullResponseDetails = "Handler returned null instead of a message.";
    internal const string UnimplementedDetails = "Method is unimplemented.";

    /// <summary>
    /// Maps an exception that left a handler (or its enumeration) to the exception grpc-dotnet turns into a status,
    /// counts the call as failed and reports the exception when it is the handler's fault.
    /// </summary>
    public RpcException Fail(Context context, Exception exception, RpcCounters counters)
    {
        counters.Failed();
        switch (exception)
        {
            case RpcException rpcException:
                return rpcException;
            case AbortException abort:
                // The details as the message: RpcException(Status) would format one ("Status(StatusCode=...)") that
                // nobody reads; grpc-dotnet sends the status.
                return new RpcException(new Status(abort.Code, abort.Details), abort.Details);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                // The client cancelled or the deadline passed: grpc-dotnet has already settled the status.
                return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
            case NullResponseException:
                Report(context, exception);
                return new RpcException(new Status(StatusCode.Internal, NullResponseDetails));
            case RpcErrorException:
                GrpcServerLog.ConnectionLost(logger, context.Rpc, exception);
                return new RpcException(new Status(StatusCode.Unavailable, "The connection was lost."));
            default:
                Report(context, exception);
                var details = options.EnableDetailedErrors
                    ? $"{HandlerExceptionDetails} {exception.GetType().Name}: {exception.Message}"
                    : HandlerExceptionDetails;
                return new RpcException(new Status(StatusCode.Internal, details));
        }
    }

    /// <summary>
    /// Whether an exception leaves the call as it is, counted as a failed call: an <see cref="RpcException"/> already
    /// carries the status the client receives (the same one <see cref="Fail"/> returns). Used in an exception filter,
    /// so that it reaches grpc-dotnet without being caught and thrown again: every throw is another two-pass walk of
    /// the stack, the most expensive part of a failed call.
    /// </summary>
    public static bool PassesThrough(Exception exception, RpcCounters counters)
    {
        if (exception is not RpcException)
        {
            return false;
        }

        counters.Failed();
        return true;
    }

    /// <summary>An RPC of a served service that has no handler: the seed's NotImplementedError.</summary>
    public RpcException Unimplemented(ServerCallContext call, RpcCounters counters)
    {
        counters.Failed();
        var context = new Context(call);
        Report(context, new NotImplementedException(
            $"No handler was added for {call.Method}; add one with server.AddHandler before calling HandleRpc."));
        return new RpcException(new Status(StatusCode.Unimplemented, UnimplementedDetails));
    }

    /// <summary>A call of a method that no served service declares: reported like a missing handler.</summary>
    public void UnknownMethod(ServerCallContext call) =>
        Report(new Context(call), new NotImplementedException(
            $"No handler serves {call.Method}: it is not an RPC of this server's .proto files, or its service was never given a handler."));

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

        if (stopOnHandlerException is not null && stopOnHandlerException(exception))
        {
            GrpcServerLog.StoppingOnHandlerException(logger);
        }
    }
}
