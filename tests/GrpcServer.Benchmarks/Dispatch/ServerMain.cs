using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime;
using System.Text.Json;

namespace GrpcServer.Benchmarks.Dispatch;

/// <summary>What the server process measured over one window: its own CPU time and allocations, and the responses.</summary>
internal sealed record WindowResult(double CpuMilliseconds, long AllocatedBytes, long Responses, double WallMilliseconds, int Gen0, int Gen1, int Gen2, long FailedCalls);

/// <summary>Allocation by type over a profiling window.</summary>
internal sealed record ProfileResult(long Responses, string Method, long Samples, long AllocatedBytes, IReadOnlyList<TypeAllocation> Types);

internal sealed record TypeAllocation(string Type, long Bytes);

/// <summary>
/// The server process of the dispatch benchmark (<c>server --kind handwritten|ours</c>), started pinned to one core
/// by the orchestrator. It serves until told to quit; its standard input is the control channel: <c>begin</c> and
/// <c>end</c> bracket a measured window, <c>profile-begin</c> and <c>profile-end</c> a window of allocation sampling,
/// <c>meters-on</c> and <c>meters-off</c> attach and detach a <see cref="MeterListener"/> (see <see cref="StatisticsListener"/>).
/// Protocol lines on standard output start with <see cref="Prefix"/>; anything else is the server's own log.
/// </summary>
internal static class ServerMain
{
    public const string Prefix = "@@ ";

    public static async Task<int> RunAsync(ServerKind kind)
    {
        await using var server = await ServerKinds.StartAsync(kind);
        StatisticsListener? listener = null;

        Reply($"ready {server.Url} {(GCSettings.IsServerGC ? "server" : "workstation")}-gc {Environment.ProcessorCount}-cpu");

        Snapshot? start = null;
        AllocationProfiler? profiler = null;
        long profileResponses = 0;
        long profileAllocated = 0;
        while (await Console.In.ReadLineAsync() is { } command)
        {
            switch (command.Trim())
            {
                case "begin":
                    start = Snapshot.Take(server);
                    Reply("ok");
                    break;
                case "end" when start is not null:
                    var end = Snapshot.Take(server);
                    Reply("window " + JsonSerializer.Serialize(end.Minus(start)));
                    start = null;
                    break;
                case "profile-begin":
                    profiler = new AllocationProfiler();
                    profileResponses = ResponseCounter.Count;
                    profileAllocated = GC.GetTotalAllocatedBytes(precise: true);
                    Reply("ok");
                    break;
                case "profile-end" when profiler is not null:
                    var responses = ResponseCounter.Count - profileResponses;
                    var allocated = GC.GetTotalAllocatedBytes(precise: true) - profileAllocated;
                    profiler.Dispose();
                    var types = profiler.Snapshot().Select(pair => new TypeAllocation(pair.Key, pair.Value)).ToList();
                    Reply("profile " + JsonSerializer.Serialize(new ProfileResult(responses, profiler.Method, profiler.Samples, allocated, types)));
                    profiler = null;
                    break;
                case "meters-on" when server.MeterName is { } meter:
                    listener = new StatisticsListener(meter);
                    Reply("ok");
                    break;
                case "meters-off" when listener is not null:
                    Reply("meters " + listener.Stop());
                    listener = null;
                    break;
                case "quit":
                    listener?.Stop();
                    return 0;
                default:
                    Reply("error unknown command: " + command);
                    break;
            }
        }

        return 0;
    }

    private static void Reply(string line)
    {
        Console.Out.WriteLine(Prefix + line);
        Console.Out.Flush();
    }

    private sealed record Snapshot(TimeSpan Cpu, long Allocated, long Responses, long Timestamp, int Gen0, int Gen1, int Gen2, long Failed)
    {
        public static Snapshot Take(IBenchServer server)
        {
            using var process = Process.GetCurrentProcess();
            return new Snapshot(
                process.TotalProcessorTime,
                GC.GetTotalAllocatedBytes(precise: true),
                ResponseCounter.Count,
                Stopwatch.GetTimestamp(),
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                server.FailedCalls);
        }

        public WindowResult Minus(Snapshot start) => new(
            (Cpu - start.Cpu).TotalMilliseconds,
            Allocated - start.Allocated,
            Responses - start.Responses,
            Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalMilliseconds,
            Gen0 - start.Gen0,
            Gen1 - start.Gen1,
            Gen2 - start.Gen2,
            Failed - start.Failed);
    }
}

/// <summary>
/// A consumer of the server's statistics as a metrics exporter is one: a <see cref="MeterListener"/> that enables every
/// instrument of the server's meter and collects the observable ones every second (dotnet-counters' default refresh;
/// OpenTelemetry's periodic reader collects less often), summing what it reads so that nothing is optimized away.
/// </summary>
internal sealed class StatisticsListener
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    private readonly MeterListener _listener = new();
    private readonly Timer _timer;
    private long _measurements;
    private long _collections;

    public StatisticsListener(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _measurements, 1 + (value & 0)));
        _listener.Start();
        _timer = new Timer(_ => Collect(), null, s_interval, s_interval);
    }

    /// <summary>Stops collecting; returns how many collections and measurements there were.</summary>
    public string Stop()
    {
        _timer.Dispose();
        _listener.Dispose();
        return $"{Interlocked.Read(ref _collections)} collections, {Interlocked.Read(ref _measurements)} measurements";
    }

    private void Collect()
    {
        _listener.RecordObservableInstruments();
        Interlocked.Increment(ref _collections);
    }
}
