using Echo.V1;

namespace GrpcServer.Tests;

/// <summary>
/// A bidirectional handler that reads its requests until the call ends, and keeps what its read threw: the tests of a
/// lost connection assert what the handler saw.
/// </summary>
internal sealed class ReadUntilGone
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the handler has started reading.</summary>
    public Task Started => _started.Task;

    /// <summary>What the handler's read threw.</summary>
    public Task<Exception> Seen => _seen.Task;

    public async IAsyncEnumerable<EchoReply> Handler(IAsyncEnumerable<EchoRequest> requests, Context context)
    {
        var enumerator = requests.GetAsyncEnumerator();
        _started.TrySetResult();
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    break;
                }
            }
            catch (Exception exception)
            {
                _seen.TrySetResult(exception);
                throw;
            }
        }

        yield break;
    }
}
