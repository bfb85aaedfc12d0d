using System.Diagnostics;
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
/// <c>end</c> bracket a measured window, <c>profile-begin</c> and <c>profile-end</c> a window of allocation sampling.
/// Protocol lines on standard output start with <see cref="Prefix"/>; anything else is the server's own log.
/// </summary>
internal static class ServerMain
{
    public const string Prefix = "@@ ";

    public static async Task<int> RunAsync(ServerKind kind)
    {
        await using IBenchServer server = kind == ServerKind.HandWritten
            ? await HandWrittenServer.StartAsync()
            : await OursServer.StartAsync();

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
                case "quit":
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
