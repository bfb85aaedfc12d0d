using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Grpc.Core;

namespace GrpcServer.Internal.Handlers;

/// <summary>
/// Writes a handler's responses to the call, one at a time, so that HTTP/2 flow control paces the handler. The
/// result, <see langword="true"/> once every response is written, is what <see cref="CallHandler{TInput, TResult}"/>
/// takes as the call's result (a completed <c>Task&lt;bool&gt;</c> of <see langword="true"/> is a cached task).
/// </summary>
internal static class ResponseStream
{
    /// <summary>Writes a sequence of responses; each is written, flow control permitting, before the handler produces the next.</summary>
    public static async Task<bool> WriteAllAsync<TResponse>(IEnumerable<TResponse> responses, IServerStreamWriter<TResponse> writer, Context context, RpcCounters counters)
        where TResponse : class
    {
        var call = context.ServerCallContext;
        foreach (var response in responses)
        {
            await WriteAsync(writer, response ?? throw NullResponseException.For(context, typeof(TResponse), item: true), call, counters).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Writes an asynchronous sequence of responses as they are yielded.</summary>
    public static async Task<bool> WriteAllAsync<TResponse>(IAsyncEnumerable<TResponse> responses, IServerStreamWriter<TResponse> writer, Context context, RpcCounters counters)
        where TResponse : class
    {
        var call = context.ServerCallContext;

        // The call's token flows into async iterators declared with [EnumeratorCancellation].
        await foreach (var response in responses.WithCancellation(call.CancellationToken).ConfigureAwait(false))
        {
            await WriteAsync(writer, response ?? throw NullResponseException.For(context, typeof(TResponse), item: true), call, counters).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Writes one response and counts it.</summary>
    /// <remarks>
    /// The call's token is not passed to the write: grpc-dotnet registers a cancellable token on every write (and its
    /// pipe on every flush that waits), and this one needs none: whatever cancels the call (the client's reset, a lost
    /// connection, the deadline: grpc-dotnet resets the stream first) also fails a pending write. A write that
    /// completes at once (no flow-control wait: nearly always) costs no state machine, one that waits a pooled one.
    /// </remarks>
    public static ValueTask WriteAsync<TResponse>(IServerStreamWriter<TResponse> writer, TResponse response, ServerCallContext call, RpcCounters counters)
        where TResponse : class
    {
        Task write;
        try
        {
            write = writer.WriteAsync(response);
        }
        catch (Exception exception)
        {
            // Mapped where a failed write is (AwaitWriteAsync), whether the writer threw or returned a failed task.
            write = Task.FromException(exception);
        }

        if (write.IsCompletedSuccessfully)
        {
            counters.Sent();
            return default;
        }

        return AwaitWriteAsync(write, call, counters);
    }

    // Pooled: both callers await each ValueTask once, as pooling requires.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitWriteAsync(Task write, ServerCallContext call, RpcCounters counters)
    {
        try
        {
            await write.ConfigureAwait(false);
            counters.Sent();
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or OperationCanceledException)
        {
            var mapped = CallDispatcher.WriteFailure(call, exception);
            if (ReferenceEquals(mapped, exception))
            {
                throw;
            }

            throw mapped;
        }
    }
}
