using System.Collections.Concurrent;
using System.Diagnostics;
using Deployment.V1;
using Grpc.Core;

namespace GrpcServer.Deployment.Tests;

/// <summary>
/// Steady load through the balancer from a real Grpc.Net.Client: each worker calls in a loop, four unary Echo calls
/// to one server streaming Stream call, until stopped. Every call's final status is counted; a failure keeps its
/// time, status and details.
/// </summary>
internal sealed class LoadGenerator
{
    public const int StreamMessages = 5;
    private const int StreamIntervalMs = 4;

    private readonly Replica.ReplicaClient _client;
    private readonly Stopwatch _clock;
    private readonly ConcurrentDictionary<string, long> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _byReplica = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly List<(long Count, TaskCompletionSource Reached)> _waiters = [];
    private long _completed;
    private long _failed;

    public LoadGenerator(Replica.ReplicaClient client, Stopwatch clock)
    {
        _client = client;
        _clock = clock;
    }

    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Calls by RPC and final status, such as "Echo OK".</summary>
    public IReadOnlyDictionary<string, long> Outcomes => _outcomes;

    /// <summary>Successful calls by the replica that answered them.</summary>
    public IReadOnlyDictionary<string, long> ByReplica => _byReplica;

    public IReadOnlyCollection<string> Failures => _failures;

    public Task RunAsync(int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(() => WorkAsync(worker, stop), CancellationToken.None)));

    /// <summary>Completes once this many calls have finished (whatever their status) since the load started.</summary>
    public Task WaitForCompletedAsync(long count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (Completed >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, reached));
        }

        return reached.Task;
    }

    private async Task WorkAsync(int worker, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var streaming = i % 5 == 4;
            var rpc = streaming ? "Stream" : "Echo";
            var started = _clock.Elapsed;
            string status;
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(10);
                if (streaming)
                {
                    using var call = _client.Stream(new StreamRequest { Text = $"{worker}.{i}", Count = StreamMessages, IntervalMs = StreamIntervalMs }, deadline: deadline);
                    var received = 0;
                    var replica = "";
                    await foreach (var reply in call.ResponseStream.ReadAllAsync(CancellationToken.None))
                    {
                        if (reply.Index != received)
                        {
                            throw new InvalidOperationException($"message {reply.Index} arrived as number {received}");
                        }

                        received++;
                        replica = reply.Replica;
                    }

                    status = received == StreamMessages ? "OK" : $"OK with {received} of {StreamMessages} messages";
                    Count(_byReplica, replica);
                }
                else
                {
                    var reply = await _client.EchoAsync(new EchoRequest { Text = $"{worker}.{i}" }, deadline: deadline);
                    status = reply.Text == $"{worker}.{i}" ? "OK" : "OK with a wrong reply";
                    Count(_byReplica, reply.Replica);
                }
            }
            catch (RpcException error)
            {
                status = error.StatusCode.ToString();
                _failures.Enqueue($"{started.TotalSeconds:0.000}-{_clock.Elapsed.TotalSeconds:0.000} s {rpc} {error.StatusCode}: {error.Status.Detail} {error.Status.DebugException?.Message}");
            }
            catch (Exception error) when (error is InvalidOperationException or IOException)
            {
                status = error.GetType().Name;
                _failures.Enqueue($"{started.TotalSeconds:0.000}-{_clock.Elapsed.TotalSeconds:0.000} s {rpc} {error}");
            }

            if (status != "OK")
            {
                Interlocked.Increment(ref _failed);
                if (status.StartsWith("OK", StringComparison.Ordinal))
                {
                    // An OK status with the wrong content; errors were queued with their details above.
                    _failures.Enqueue($"{started.TotalSeconds:0.000} s {rpc} {status}");
                }
            }

            Count(_outcomes, $"{rpc} {status}");
            OnCompleted(Interlocked.Increment(ref _completed));
        }
    }

    private void OnCompleted(long completed)
    {
        List<TaskCompletionSource>? reached = null;
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (completed >= _waiters[i].Count)
                {
                    (reached ??= []).Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }

        reached?.ForEach(r => r.TrySetResult());
    }

    private static void Count(ConcurrentDictionary<string, long> counts, string key) =>
        counts.AddOrUpdate(key, 1, static (_, n) => n + 1);
}
