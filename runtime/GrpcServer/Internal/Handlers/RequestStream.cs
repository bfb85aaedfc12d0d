using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;

namespace GrpcServer.Internal.Handlers;

/// <summary>
/// The request stream as the handler sees it: an <see cref="IAsyncEnumerable{T}"/> that reads one message
/// per step (nothing is buffered ahead). A lost connection becomes <see cref="RpcErrorException"/>; what the client
/// sent wrong becomes an <see cref="RpcException"/> with the status the client receives (see
/// <see cref="CallDispatcher.ReadFailure"/>), so the handler is told which of the two happened.
/// It can be enumerated once, as the stream can be read once.
/// </summary>
internal sealed class RequestStream<TRequest>(IAsyncStreamReader<TRequest> reader, ServerCallContext call, RpcCounters counters) : IAsyncEnumerable<TRequest>
{
    private int _enumerated;

    public IAsyncEnumerator<TRequest> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException(
                $"The request stream of {call.Method} can be enumerated only once; collect the requests into a list if they are needed twice.");
        }

        // The call's own token is not passed on to the reads: a cancellable token costs a registration in Kestrel's
        // request pipe on every read that waits, and this one needs none. Whatever cancels the call (the client's
        // reset, a lost connection, the deadline: grpc-dotnet resets the stream first) also aborts the request body,
        // which fails a pending read. A token of the handler's own (WithCancellation) is passed on.
        var token = cancellationToken.CanBeCanceled && cancellationToken != call.CancellationToken ? cancellationToken : CancellationToken.None;
        return new Enumerator(reader, call, counters, token);
    }

    private sealed class Enumerator(IAsyncStreamReader<TRequest> reader, ServerCallContext call, RpcCounters counters, CancellationToken cancellationToken) : IAsyncEnumerator<TRequest>
    {
        public TRequest Current => reader.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            Task<bool> read;
            try
            {
                read = reader.MoveNext(cancellationToken);
            }
            catch (Exception exception)
            {
                // Mapped where a failed read is (AwaitReadAsync), whether the reader threw or returned a failed task.
                read = Task.FromException<bool>(exception);
            }

            // A message already buffered (a busy stream, or the end of one) costs no state machine.
            if (read.IsCompletedSuccessfully)
            {
                if (!read.Result)
                {
                    return new ValueTask<bool>(false);
                }

                counters.Received();
                return new ValueTask<bool>(true);
            }

            return AwaitReadAsync(read);
        }

        public ValueTask DisposeAsync() => default;

        // A read that waits for the network completes asynchronously, and its state machine would be boxed on every
        // message (ping-pong: every read waits). Pooled: `await foreach` awaits each ValueTask once, as pooling requires.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<bool> AwaitReadAsync(Task<bool> read)
        {
            try
            {
                if (await read.ConfigureAwait(false))
                {
                    counters.Received();
                    return true;
                }

                return false;
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or OperationCanceledException
                or InvalidDataException or RpcException)
            {
                var mapped = CallDispatcher.ReadFailure(call, exception);
                if (ReferenceEquals(mapped, exception))
                {
                    throw;
                }

                throw mapped;
            }
        }
    }
}
