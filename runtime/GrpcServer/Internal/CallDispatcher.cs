using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Internal;

/// <summary>
/// Turns what a handler did into what the client receives (DESIGN.md's error mapping), and reports handler
/// failures to the log, to <see cref="RpcServiceOptions.OnHandlerException"/> and, when the server's own host has
/// <see cref="RpcServerOptions.StopOnHandlerException"/> set, to the server so that it stops. Only what the
/// application's own code causes is reported; a client's protocol error (<see cref="ClientProtocolException"/>) is
/// logged at Debug. Only failure paths come here; a successful call never does.
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
            case ClientProtocolException protocolError:
                // What the client sent, not what the handler did: its status, at Debug, never reported.
                GrpcServerLog.ClientProtocolError(logger, context.Rpc, protocolError.Status);
                return protocolError;
            case RpcException rpcException:
                // A handler's own, or Context.Abort's (AbortException is one): the status the client receives.
                return rpcException;
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
    /// the stack, the most expensive part of a failed call. A <see cref="ClientProtocolException"/> does not pass:
    /// <see cref="Fail"/> logs it.
    /// </summary>
    public static bool PassesThrough(Exception exception, RpcCounters counters)
    {
        if (exception is not RpcException || exception is ClientProtocolException)
        {
            return false;
        }

        counters.Failed();
        return true;
    }

    /// <summary>An RPC of a served service that has no handler: the seed's NotImplementedError, the server author's omission.</summary>
    public RpcException Unimplemented(ServerCallContext call, RpcCounters counters)
    {
        counters.Failed();
        var context = new Context(call);
        Report(context, new NotImplementedException(
            $"No handler was added for {call.Method}; add one with server.AddHandler before calling HandleRpc."));
        return new RpcException(new Status(StatusCode.Unimplemented, UnimplementedDetails));
    }

    /// <summary>
    /// Whether the client is told something other than what a handler that has just finished returned: its deadline
    /// has passed, so grpc-dotnet answers (or has answered) <c>DEADLINE_EXCEEDED</c>, and the client's own deadline,
    /// which is no later, has passed too. Costs a clock read only for a call that has a deadline.
    /// </summary>
    public static bool PastDeadline(ServerCallContext call)
    {
        var deadline = call.Deadline;
        return deadline != DateTime.MaxValue && DateTime.UtcNow >= deadline;
    }

    /// <summary>
    /// Whether the client of a call with a deadline no longer hears what a handler that has just finished returned: the
    /// deadline has passed (<see cref="PastDeadline"/>), or the call was cancelled first. The client's own deadline comes
    /// before this server's (by the time its <c>grpc-timeout</c> header took to arrive), so a client that gives up resets
    /// the stream, which cancels the call, just before the server's deadline passes. The token of a call with a deadline
    /// is grpc-dotnet's deadline token, already made; a call without one reads nothing.
    /// </summary>
    public static bool DeadlineUnheard(ServerCallContext call)
    {
        var deadline = call.Deadline;
        return deadline != DateTime.MaxValue && (call.CancellationToken.IsCancellationRequested || DateTime.UtcNow >= deadline);
    }

    /// <summary>Whether grpc-dotnet will send a response of this size: a larger one ends the call with <c>RESOURCE_EXHAUSTED</c>.</summary>
    public bool FitsSendLimit(IMessage response) =>
        options.MaxSendMessageSize is not { } limit || response.CalculateSize() <= limit;

    /// <summary>
    /// Maps a failure to read a request. What the client sent wrong (a message that cannot be parsed or decompressed,
    /// a malformed frame, one over the size limit) becomes a <see cref="ClientProtocolException"/> with the gRPC spec's
    /// status; a call that ended under the handler (client reset, connection lost, deadline) becomes
    /// <see cref="RpcErrorException"/>; anything else is rethrown as it is.
    /// </summary>
    public static Exception ReadFailure(ServerCallContext call, Exception exception)
    {
        switch (exception)
        {
            case ClientProtocolException:
                return exception;
            case RpcException when call.CancellationToken.IsCancellationRequested:
                return CallEnded(call, exception, "a request was being read");
            case RpcException transportStatus:
                // grpc-dotnet refused the request's bytes: too large, incomplete, an unsupported encoding.
                return ClientProtocolException.From(transportStatus.Status);
            case InvalidDataException:
                // grpc-dotnet's message framing: a compressed flag other than 0 or 1.
                return ClientProtocolException.MalformedFrame(exception);
            case IOException when LengthPrefixOverflows(call):
                return ClientProtocolException.LengthOverflow(exception);
            default:
                return ConnectionFailure(call, exception, "a request was being read");
        }
    }

    /// <summary>
    /// Maps a failure to write a response. When the call has ended under the handler (client reset, connection lost,
    /// deadline), the handler sees <see cref="RpcErrorException"/>; anything else is ours to rethrow.
    /// </summary>
    public static Exception WriteFailure(ServerCallContext call, Exception exception) =>
        ConnectionFailure(call, exception, "a response was being written");

    private static Exception ConnectionFailure(ServerCallContext call, Exception exception, string action) =>
        exception is IOException || call.CancellationToken.IsCancellationRequested
            ? CallEnded(call, exception, action)
            : exception;

    private static RpcErrorException CallEnded(ServerCallContext call, Exception exception, string action) =>
        new(PastDeadline(call)
                ? $"The call {call.Method} ended while {action}: its deadline passed."
                : $"The connection of {call.Method} closed while {action}: the client cancelled the call or the connection was lost.",
            exception);

    /// <summary>
    /// Whether the request body still holds a message frame whose length prefix is over 2 GB: grpc-dotnet throws a
    /// plain <see cref="IOException"/> for that, as Kestrel does for a reset stream, and only the bytes tell them
    /// apart. grpc-dotnet leaves the frame unconsumed; a body that was aborted throws here, and that is a lost connection.
    /// </summary>
    private static bool LengthPrefixOverflows(ServerCallContext call)
    {
        try
        {
            var reader = call.GetHttpContext().Request.BodyReader;
            if (!reader.TryRead(out var result))
            {
                return false;
            }

            var buffer = result.Buffer;
            var overflows = false;
            if (buffer.Length >= 5)
            {
                Span<byte> header = stackalloc byte[5];
                buffer.Slice(0, 5).CopyTo(header);
                overflows = BinaryPrimitives.ReadUInt32BigEndian(header[1..]) > int.MaxValue;
            }

            reader.AdvanceTo(buffer.Start);
            return overflows;
        }
        catch (Exception)
        {
            // The body cannot be read any more (aborted, or not an ASP.NET Core call): not a frame the client sent.
            return false;
        }
    }

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
