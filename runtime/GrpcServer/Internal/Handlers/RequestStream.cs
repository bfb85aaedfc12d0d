using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;

namespace GrpcServer.Internal.Handlers;

/// <summary>
/// The request stream as the handler sees it: an <see cref="IAsyncEnumerable{T}"/> that reads one message
/// per step (nothing is buffered ahead) and turns a lost connection into <see cref="RpcErrorException"/>.
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
            catch (Exception exception) when (exception is IOException or InvalidOperationException or OperationCanceledException)
            {
                var mapped = CallDispatcher.StreamFailure(call, exception, "a request was being read");
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
