using System.Diagnostics;
using Bench;
using Grpc.Net.Client;

namespace GrpcServer.Benchmarks.Dispatch;

/// <summary>
/// The load generator of the bidirectional scenario (<c>pingpong --url U --streams N --seconds S</c>), run in a process
/// of its own pinned to the other core: N concurrent <c>Chat</c> calls on one channel, each sending a request and
/// waiting for its reply before sending the next, until S seconds have passed.
/// </summary>
internal static class PingPongClient
{
    public static async Task<int> RunAsync(string url, int streams, double seconds)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var client = new Greeter.GreeterClient(channel);
        var stopwatch = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);

        var tasks = new Task<long>[streams];
        for (var i = 0; i < streams; i++)
        {
            tasks[i] = Task.Run(() => PingPongAsync(client, stopwatch, duration));
        }

        var messages = (await Task.WhenAll(tasks)).Sum();
        Console.WriteLine($"{ServerMain.Prefix}done {messages} {stopwatch.Elapsed.TotalSeconds:F3}");
        return 0;
    }

    private static async Task<long> PingPongAsync(Greeter.GreeterClient client, Stopwatch stopwatch, TimeSpan duration)
    {
        var request = new HelloRequest { Name = "world" };
        using var call = client.Chat();
        long messages = 0;
        while (stopwatch.Elapsed < duration)
        {
            await call.RequestStream.WriteAsync(request);
            if (!await call.ResponseStream.MoveNext(CancellationToken.None) || call.ResponseStream.Current.Message != "world")
            {
                throw new InvalidOperationException("The server did not answer a ping with its pong.");
            }

            messages++;
        }

        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }

        return messages;
    }
}
