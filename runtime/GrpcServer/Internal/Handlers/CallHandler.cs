using System;
using System.Threading.Tasks;
using Grpc.Core;

namespace GrpcServer.Internal.Handlers;

/// <summary>
/// What every call of every RPC kind does, written once (grpc-dotnet's <c>ServerCallHandlerBase</c> is the model):
/// create the <see cref="Context"/>, run the kind's part, map a failure to the status the client receives (and report
/// it) through <see cref="CallDispatcher"/>, and count the outcome as the client learns it. A kind adds only
/// <see cref="Start"/>: how it calls the handler, reads the request(s) and writes the response(s).
/// </summary>
/// <typeparam name="TInput">What grpc-dotnet hands the call: the request, a request stream reader and/or a response
/// stream writer.</typeparam>
/// <typeparam name="TResult">The call's result: the response of a unary or client streaming call; for a server
/// streaming or bidirectional call, <see langword="true"/> once every response is written.</typeparam>
internal abstract class CallHandler<TInput, TResult>(CallDispatcher dispatcher, RpcCounters counters)
{
    /// <summary>The RPC's statistics, for a kind that counts messages as it reads or writes them.</summary>
    protected RpcCounters Counters => counters;

    /// <summary>The server's call dispatcher, for a kind that checks what it sends.</summary>
    protected CallDispatcher Dispatcher => dispatcher;

    /// <summary>
    /// Runs one call. A call whose part completed synchronously returns that part's own task, so that it costs no
    /// state machine (a synchronous unary handler costs one completed task, as it would hand-written).
    /// </summary>
    /// <param name="input">What grpc-dotnet hands the call.</param>
    /// <param name="call">The call.</param>
    /// <returns>The task grpc-dotnet awaits; it fails with the <see cref="RpcException"/> the client receives.</returns>
    protected Task<TResult> Handle(TInput input, ServerCallContext call)
    {
        // So that a stop can say how many calls were still in flight.
        counters.Started();
        var context = new Context(call);
        Task<TResult> task;
        try
        {
            task = Start(input, context);
        }
        catch (Exception exception) when (!CallDispatcher.PassesThrough(exception, counters))
        {
            throw dispatcher.Fail(context, exception, counters);
        }

        if (task is { IsCompletedSuccessfully: true, Result: { } result })
        {
            Finished(call, result);
            return task;
        }

        return AwaitAsync(task, context);
    }

    /// <summary>
    /// The kind's part of a call: calls the handler, reads the request(s), writes the response(s). Throws, or returns
    /// a failed task, when the handler fails or returns <see langword="null"/> where a message or sequence was due.
    /// </summary>
    /// <param name="input">What grpc-dotnet hands the call.</param>
    /// <param name="context">The call as the handler sees it.</param>
    /// <returns>The call's result; <see langword="null"/> only when a unary or client streaming handler's task
    /// completed with <see langword="null"/>, which fails the call.</returns>
    protected abstract Task<TResult> Start(TInput input, Context context);

    /// <summary>Counts a call that succeeded; a kind that writes its one response as the result counts it here too.</summary>
    protected virtual void Succeeded() => counters.Successful();

    /// <summary>
    /// Whether the client receives the result the handler finished with, as far as the kind knows (its deadline is
    /// checked for every kind): <see langword="false"/> for a response over the send limit, or for a streaming call
    /// that was cancelled under the handler. Must not allocate: it runs on every successful call.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <param name="result">What the handler finished with.</param>
    /// <returns>Whether the call ends OK for the client.</returns>
    protected virtual bool Delivered(ServerCallContext call, TResult result) => true;

    // Counts what the client is told: a handler that returns at or after the deadline, or after a client that gave up
    // at its own (earlier) deadline reset the call, has not been heard, whatever it returned.
    private void Finished(ServerCallContext call, TResult result)
    {
        if (CallDispatcher.DeadlineUnheard(call) || !Delivered(call, result))
        {
            counters.Failed();
            return;
        }

        Succeeded();
    }

    private async Task<TResult> AwaitAsync(Task<TResult> task, Context context)
    {
        TResult result;
        try
        {
            result = await task.ConfigureAwait(false);
            if (result is null)
            {
                throw NullResponseException.For(context, typeof(TResult), item: false);
            }
        }
        catch (Exception exception) when (!CallDispatcher.PassesThrough(exception, counters))
        {
            throw dispatcher.Fail(context, exception, counters);
        }

        Finished(context.ServerCallContext, result);
        return result;
    }
}
