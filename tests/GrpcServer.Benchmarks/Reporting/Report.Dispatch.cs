using System.Text;
using GrpcServer.Benchmarks.Dispatch;

namespace GrpcServer.Benchmarks.Reporting;

/// <summary>The dispatch section of docs/benchmarks.md.</summary>
internal static partial class Report
{
    public const double CpuRatioTarget = 1.02;
    public const double AllocDeltaTarget = 32;

    /// <summary>CPU per op, ours / baseline, per pair; geometric mean with its interval.</summary>
    public static Interval CpuRatio(DispatchResults results, Comparison comparison) =>
        Statistics.Geometric(results.Pairs(comparison).Select(p => p.Ours.CpuMicrosecondsPerOp / p.Baseline.CpuMicrosecondsPerOp));

    /// <summary>Bytes per op, ours − baseline, per pair; mean with its interval.</summary>
    public static Interval AllocDelta(DispatchResults results, Comparison comparison) =>
        Statistics.Mean(results.Pairs(comparison).Select(p => p.Ours.BytesPerOp - p.Baseline.BytesPerOp));

    private static IEnumerable<SummaryRow> DispatchRows(DispatchResults results)
    {
        foreach (var comparison in Comparison.All)
        {
            var pairs = results.Pairs(comparison);
            if (pairs.Count == 0)
            {
                continue;
            }

            var unit = comparison.Scenario.Unit();
            var headline = comparison.Baseline == ServerKind.HandWrittenTuned && comparison.Kind == ServerKind.OursDefaults;
            var cpu = CpuRatio(results, comparison);
            var oursCpu = Statistics.Median(pairs.Select(p => p.Ours.CpuMicrosecondsPerOp));
            var baseCpu = Statistics.Median(pairs.Select(p => p.Baseline.CpuMicrosecondsPerOp));
            yield return new SummaryRow(
                $"{comparison.Label}: server CPU per {unit}, ratio",
                $"{F(cpu.Estimate, 3)}x ({F(oursCpu, 2)} vs {F(baseCpu, 2)} µs, medians)",
                $"pairs {F(cpu.Min, 3)}–{F(cpu.Max, 3)}, n = {cpu.Count}",
                IntervalText(cpu, 3, "x"),
                $"≤ {F(CpuRatioTarget, 2)}x",
                cpu.Against(CpuRatioTarget),
                headline ? $"{comparison.Scenario.Name()}: CPU per {unit}, default options / tuned hand-written" : null);

            var alloc = AllocDelta(results, comparison);
            var oursBytes = Statistics.Median(pairs.Select(p => p.Ours.BytesPerOp));
            var baseBytes = Statistics.Median(pairs.Select(p => p.Baseline.BytesPerOp));
            yield return new SummaryRow(
                $"{comparison.Label}: bytes allocated per {unit}, difference",
                $"{Signed(alloc.Estimate)} B ({F(oursBytes, 0)} vs {F(baseBytes, 0)} B)",
                $"pairs {Signed(alloc.Min)} to {Signed(alloc.Max)} B",
                IntervalText(alloc, 1, " B", signed: true),
                $"≤ +{F(AllocDeltaTarget, 0)} B",
                alloc.Against(AllocDeltaTarget),
                headline ? $"{comparison.Scenario.Name()}: bytes allocated per {unit}, default options − tuned hand-written" : null);
        }
    }

    private static void WriteDispatch(StringBuilder page, DispatchResults results)
    {
        var s = results.Settings;
        page.AppendLine("## 1. Dispatch, error path and metrics: RpcServer against hand-written Grpc.AspNetCore services");
        page.AppendLine();
        page.AppendLine("Protos/bench.proto served by four servers, each in its own process of the same executable:");
        page.AppendLine();
        foreach (var kind in s.Kinds)
        {
            page.AppendLine($"- **{kind.Name()}**: {KindDescription(kind)} Scenarios: {string.Join(", ", s.ScenariosOf(kind).Select(x => x.Name()))}.");
        }

        page.AppendLine();
        page.AppendLine("The handlers do the same work per response: one `HelloReply`, the same strings, one interlocked count per call (unary) or");
        page.AppendLine("message (streaming). Ours are plain functions (a lambda, a `yield return` iterator, an async function reading the request");
        page.AppendLine("stream, an async iterator); the error rows' handlers end the call with NOT_FOUND: ours by `context.Abort` (aborts) or");
        page.AppendLine("`throw new RpcException(...)` (throws), the hand-written one by `throw new RpcException(...)` in both rows. The");
        page.AppendLine("MeterListener row runs the unary load while a `MeterListener` enables every instrument of the `GrpcServer` meter and");
        page.AppendLine("collects the observable ones every second (what dotnet-counters or an OpenTelemetry exporter does).");
        page.AppendLine();
        page.AppendLine($"Each server process is pinned to core {DispatchSettings.ServerCore} (`taskset`, so .NET sees one CPU), its load generator to core {DispatchSettings.LoadCore}: h2load (`-t 1`)");
        page.AppendLine($"POSTing pre-built gRPC frames for unary and the error rows ({DispatchSettings.UnaryConnections} connections × {DispatchSettings.UnaryStreamsPerConnection} streams), server streaming ({DispatchSettings.StreamMessages} replies per");
        page.AppendLine($"call) and client streaming ({DispatchSettings.StreamMessages} request frames per call, the body of one POST), {DispatchSettings.StreamingConnections} × {DispatchSettings.StreamingStreamsPerConnection}; a Grpc.Net.Client process for bidi ping-pong");
        page.AppendLine($"({DispatchSettings.PingPongStreams} calls on one channel, each sending a request and awaiting its reply before the next). A process first serves");
        page.AppendLine($"unmeasured load, {F(s.ProcessWarmupSeconds, 0)} s of its first scenario and {F(s.OtherWarmupSeconds, 0)} s of each other (tiered compilation needs 25 to 30 s on one saturated");
        page.AppendLine($"core); then for each scenario it measures itself over a {F(s.WindowSeconds, 0)} s window that starts {F(s.WarmupSeconds, 0)} s into the load: `Process.TotalProcessorTime`");
        page.AppendLine("(all threads: Kestrel, grpc-dotnet, GC) and `GC.GetTotalAllocatedBytes(true)` deltas, divided by the calls or messages its");
        page.AppendLine($"handlers counted in the window. **{s.Repetitions} repetitions**: each starts one process of every server, in an order that");
        page.AppendLine("alternates (forward, then backward), and each comparison pairs ours with its baseline of the same repetition. CPU ratios");
        page.AppendLine("are the geometric mean of the pairs' ratios with a 95 % t-interval on their logarithms; allocation differences the mean of");
        page.AppendLine("the pairs' differences with a 95 % t-interval. A target is *met* when the whole interval is within it, *missed* when the");
        page.AppendLine("whole interval is outside, *not resolved* when the interval straddles it (more repetitions or a quieter machine would tell).");
        page.AppendLine($"\"Other work on core {DispatchSettings.ServerCore}\" is the core's busy share (/proc/stat) less the server's: a window with more than {F(DispatchSettings.DisturbedThreshold * 100, 0)} % is measured again,");
        page.AppendLine($"up to {s.MaxAttempts} times; the last attempt is kept either way{Retried(results)}.");
        page.AppendLine();
        page.AppendLine("| scenario | server | calls or messages/s | server CPU per call or message (µs) | bytes allocated per call or message | server CPU | other work on core 0 | gen0 GCs per 10k |");
        page.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in Enum.GetValues<Scenario>())
        {
            foreach (var kind in ServerKinds.All)
            {
                var samples = results.Of(scenario, kind);
                if (samples.Count == 0)
                {
                    continue;
                }

                page.AppendLine(
                    $"| {scenario.Name()} | {kind.Name()} | {Spread(samples.Select(x => x.OpsPerSecond), 0)} | {Spread(samples.Select(x => x.CpuMicrosecondsPerOp), 2)} | {Spread(samples.Select(x => x.BytesPerOp), 0)} | {F(Statistics.Median(samples.Select(x => x.CpuUtilization)) * 100, 0)} % | {F(Statistics.Median(samples.Select(x => x.OtherWorkOnServerCore)) * 100, 0)} % (max {F(samples.Max(x => x.OtherWorkOnServerCore) * 100, 0)} %) | {F(Statistics.Median(samples.Select(x => x.Window.Gen0 * 10000.0 / x.Window.Responses)), 2)} |");
            }
        }

        page.AppendLine();
        page.AppendLine("Medians over the repetitions, the range in brackets.");
        page.AppendLine();
        page.AppendLine("| comparison | CPU ratio (95 % interval) | pair by pair | allocation difference (95 % interval) | throughput ratio |");
        page.AppendLine("|---|---:|---|---:|---:|");
        foreach (var comparison in Comparison.All)
        {
            var pairs = results.Pairs(comparison);
            if (pairs.Count == 0)
            {
                continue;
            }

            var cpu = CpuRatio(results, comparison);
            var alloc = AllocDelta(results, comparison);
            var rate = Statistics.Median(pairs.Select(p => p.Ours.OpsPerSecond)) / Statistics.Median(pairs.Select(p => p.Baseline.OpsPerSecond));
            page.AppendLine($"| {comparison.Label} | {F(cpu.Estimate, 3)} ({IntervalText(cpu, 3, "")}) | {string.Join(", ", pairs.Select(p => F(p.Ours.CpuMicrosecondsPerOp / p.Baseline.CpuMicrosecondsPerOp, 3)))} | {Signed(alloc.Estimate)} B ({IntervalText(alloc, 1, " B", signed: true)}) | {F(rate, 3)} |");
        }

        page.AppendLine();
        if (results.Profiles.Count > 0)
        {
            WriteProfiles(page, results);
        }
    }

    private static string KindDescription(ServerKind kind) => kind switch
    {
        ServerKind.HandWritten => "`Greeter.GreeterBase` (Grpc.Tools) overridden and registered with `MapGrpcService`, on the host configuration `HandleRpc` builds (`WebApplication.CreateSlimBuilder()`, Kestrel HTTP/2 only, console logging at Warning).",
        ServerKind.HandWrittenTuned => "the same service as grpc_bench tunes its .NET entry: `CreateSlimBuilder()` with the logging providers cleared, Kestrel HTTP/2 only, `IgnoreUnknownServices = true` (which RpcServer sets too).",
        ServerKind.Ours => "`new RpcServer(new RpcServerOptions { LogLevel = LogLevel.Warning })`, handlers added with the named `AddHandler`, served by `HandleRpcAsync`: the same logging as the same-host hand-written server.",
        _ => "`new RpcServer()` with default options (only the URL set): what a user gets.",
    };

    private static void WriteProfiles(StringBuilder page, DispatchResults results)
    {
        page.AppendLine("### Allocation by type");
        page.AppendLine();
        var method = results.Profiles.Values.Select(p => p.Method).FirstOrDefault() ?? "";
        page.AppendLine($"A separate pass (one process per server of the target comparisons, {F(results.Settings.ProfileSeconds, 0)} s per scenario, not part of the figures above): an in-process");
        page.AppendLine(method == "AllocationSampled"
            ? "EventListener receives the runtime's randomized allocation samples (`AllocationSampled`, .NET 10: every byte equally likely,"
              + " one sample per 100 KB on average) and weights each sample by its object's size, an unbiased estimate of the bytes each"
              + " type takes per call or message; the sampling noise is a few bytes. Exact totals from `GC.GetTotalAllocatedBytes`."
            : "EventListener samples the runtime's `GCAllocationTick` event (about one per 100 KB allocated, charged to the type of the"
              + " object that crossed the mark: a biased, noisy estimate); only types that one server allocates and the other does not are"
              + " reliable rows.");
        page.AppendLine("Rows differing by at least 4 B, largest difference first.");
        page.AppendLine();
        foreach (var comparison in Comparison.All)
        {
            if (!results.Profiles.TryGetValue((comparison.BaselineScenario, comparison.Baseline), out var baseline) || !results.Profiles.TryGetValue((comparison.Scenario, comparison.Kind), out var ours))
            {
                continue;
            }

            var baseTypes = baseline.Types.ToDictionary(t => t.Type, t => (double)t.Bytes / Math.Max(1, baseline.Responses));
            var oursTypes = ours.Types.ToDictionary(t => t.Type, t => (double)t.Bytes / Math.Max(1, ours.Responses));
            var rows = baseTypes.Keys.Union(oursTypes.Keys)
                .Select(type => (Type: type, Base: baseTypes.GetValueOrDefault(type), Ours: oursTypes.GetValueOrDefault(type)))
                .Where(row => Math.Abs(row.Ours - row.Base) >= 4)
                .OrderByDescending(row => Math.Abs(row.Ours - row.Base))
                .Take(15)
                .ToList();

            page.AppendLine($"**{comparison.Label}** (per {comparison.Scenario.Unit()}; exact totals in the window: baseline {F((double)baseline.AllocatedBytes / Math.Max(1, baseline.Responses), 0)} B, ours {F((double)ours.AllocatedBytes / Math.Max(1, ours.Responses), 0)} B; {baseline.Samples:N0} and {ours.Samples:N0} samples)");
            page.AppendLine();
            page.AppendLine("| type | baseline B | ours B | difference |");
            page.AppendLine("|---|---:|---:|---:|");
            foreach (var row in rows)
            {
                page.AppendLine($"| `{row.Type.Replace("|", "\\|", StringComparison.Ordinal)}` | {F(row.Base, 1)} | {F(row.Ours, 1)} | {Signed(row.Ours - row.Base)} |");
            }

            if (rows.Count == 0)
            {
                page.AppendLine("| (no type differs by 4 B or more) | | | |");
            }

            page.AppendLine();
        }
    }

    private static string Retried(DispatchResults results)
    {
        var retried = results.Samples.Count(x => x.Attempt > 1);
        var disturbed = results.Samples.Count(x => x.OtherWorkOnServerCore > DispatchSettings.DisturbedThreshold);
        return $" ({retried} of {results.Samples.Count} windows were measured again; {disturbed} kept windows were still disturbed)";
    }
}
