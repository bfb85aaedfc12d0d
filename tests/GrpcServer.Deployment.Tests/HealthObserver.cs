using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace GrpcServer.Deployment.Tests;

/// <summary>
/// Watches one replica's health service directly (not through the balancer), on a connection of its own: the time
/// the replica said SERVING, then the time it said NOT_SERVING, after which it ends its Watch call.
/// </summary>
internal sealed class HealthObserver : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncServerStreamingCall<HealthCheckResponse> _watch;
    private readonly Task _reading;
    private readonly TaskCompletionSource<TimeSpan> _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TimeSpan> _notServing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HealthObserver(string url, Stopwatch clock)
    {
        _channel = GrpcChannel.ForAddress(url);
        _watch = new Health.HealthClient(_channel).Watch(new HealthCheckRequest { Service = "" });
        _reading = ReadAsync(clock);
    }

    /// <summary>When the Watch stream first said SERVING.</summary>
    public Task<TimeSpan> Serving => _serving.Task;

    /// <summary>When the Watch stream first said NOT_SERVING.</summary>
    public Task<TimeSpan> NotServing => _notServing.Task;

    public static async Task<HealthObserver> StartAsync(string url, Stopwatch clock)
    {
        var observer = new HealthObserver(url, clock);
        await observer.Serving.WaitAsync(TimeSpan.FromSeconds(10));
        return observer;
    }

    /// <summary>
    /// One health Check on a new connection: answers only while the replica's listener still accepts connections.
    /// </summary>
    public static async Task<HealthCheckResponse.Types.ServingStatus> CheckOnNewConnectionAsync(string url)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "" }, deadline: DateTime.UtcNow.AddSeconds(5));
        return response.Status;
    }

    public async ValueTask DisposeAsync()
    {
        _watch.Dispose();
        await _reading;
        _channel.Dispose();
    }

    private async Task ReadAsync(Stopwatch clock)
    {
        try
        {
            await foreach (var response in _watch.ResponseStream.ReadAllAsync())
            {
                if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    _serving.TrySetResult(clock.Elapsed);
                }
                else if (response.Status == HealthCheckResponse.Types.ServingStatus.NotServing)
                {
                    _notServing.TrySetResult(clock.Elapsed);

                    // Done watching. A Watch call stays open until the client ends it or the server's ShutdownTimeout
                    // cancels it, so an observer that stayed would hold the replica's shutdown for that long.
                    _watch.Dispose();
                    return;
                }
            }

            _serving.TrySetException(new InvalidOperationException("the Watch stream ended"));
            _notServing.TrySetException(new InvalidOperationException("the Watch stream ended without NOT_SERVING"));
        }
        catch (RpcException error)
        {
            _serving.TrySetException(error);
            _notServing.TrySetException(error);
        }
    }
}
