using System;
using System.Collections.Generic;
using System.IO;
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

        return new Enumerator(reader, call, counters, cancellationToken.CanBeCanceled ? cancellationToken : call.CancellationToken);
    }

    private sealed class Enumerator(IAsyncStreamReader<TRequest> reader, ServerCallContext call, RpcCounters counters, CancellationToken cancellationToken) : IAsyncEnumerator<TRequest>
    {
        public TRequest Current => reader.Current;

        public async ValueTask<bool> MoveNextAsync()
        {
            try
            {
                if (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
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

        public ValueTask DisposeAsync() => default;
    }
}
