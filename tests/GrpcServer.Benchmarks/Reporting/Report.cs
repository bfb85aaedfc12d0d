using System.Globalization;
using System.Text;
using GrpcServer.Benchmarks.Dispatch;
using GrpcServer.Benchmarks.Generator;

namespace GrpcServer.Benchmarks.Reporting;

/// <summary>Everything one run measured, with the circumstances.</summary>
internal sealed record RunRecord(
    string Command,
    DateTimeOffset Started,
    TimeSpan Duration,
    MachineInfo Machine,
    string LoadAtStart,
    double BusyAtStart,
    string LoadAtEnd,
    TimeSpan WaitedForQuiet,
    int StartedBusy,
    IReadOnlyList<string> CompetingAtStart,
    DispatchResults? Dispatch,
    GeneratorResults? Generator);

/// <summary>
/// Writes docs/benchmarks.md. The figures are regenerated on every run; the hand-written analysis between the
/// <see cref="AnalysisBegin"/> and <see cref="AnalysisEnd"/> markers is carried over from the existing page.
/// </summary>
internal static class Report
{
    public const string AnalysisBegin = "<!-- analysis:begin (hand-written; kept when the page is regenerated) -->";
    public const string AnalysisEnd = "<!-- analysis:end -->";

    public const double CpuRatioTarget = 1.02;
    public const double AllocDeltaTarget = 32;
    public const double WarmTargetMs = 1;
    public const double ColdTargetMs = 50;
    public const double EditTargetMs = 5;
    public const double ParserSpeedupTarget = 2;

    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public static string Write(RunRecord run, string? existingPage)
    {
        var page = new StringBuilder();
        page.AppendLine("# Benchmarks");
        page.AppendLine();
        page.AppendLine("Written by `tests/GrpcServer.Benchmarks` (see DESIGN.md, Quality bars). Regenerate the page with the command below;");
        page.AppendLine("it takes about a quarter of an hour and wants an otherwise idle machine (no builds or tests running).");
        page.AppendLine();
        page.AppendLine("| | |");
        page.AppendLine("|---|---|");
        page.AppendLine($"| Command | `{run.Command}` |");
        page.AppendLine($"| Date | {run.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm", s_invariant)} UTC, {run.Duration.TotalMinutes.ToString("F0", s_invariant)} min |");
        page.AppendLine($"| CPU | {run.Machine.Cpu}; {run.Machine.Cores} |");
        page.AppendLine($"| OS | {run.Machine.OS} |");
        page.AppendLine($"| .NET | {run.Machine.Runtime}, SDK {run.Machine.Sdk}; Release build |");
        if (run.Dispatch is { } d)
        {
            page.AppendLine($"| Server processes | {d.ServerRuntime}; load generator {d.H2LoadVersion} |");
        }

        page.AppendLine($"| Load average (1, 5, 15 min) | at start {run.LoadAtStart}; at end {run.LoadAtEnd} (the kernel's, so other containers on this machine count) |");
        page.AppendLine($"| Cores busy just before the start | {F(run.BusyAtStart * 100, 0)} % (5 s, /proc/stat) |");
        page.AppendLine($"| Waiting for quiet | each measurement waited until both cores were under {F(QuietGate.Threshold * 100, 0)} % busy for 3 s: {F(run.WaitedForQuiet.TotalMinutes, 1)} min in all; {run.StartedBusy} measurement(s) started busy once the waiting budget was spent |");
        page.AppendLine($"| Other builds/tests at start | {(run.CompetingAtStart.Count == 0 ? "none" : string.Join("<br>", run.CompetingAtStart.Select(c => "`" + c.Replace("|", "\\|", StringComparison.Ordinal) + "`")))} |");
        page.AppendLine();

        WriteSummary(page, run);
        if (run.Dispatch is { } dispatch)
        {
            WriteDispatch(page, dispatch);
        }

        if (run.Generator is { } generator)
        {
            if (generator.Generator.Count > 0)
            {
                WriteGenerator(page, generator);
            }

            if (generator.Parser.Count > 0)
            {
                WriteParser(page, generator);
            }
        }

        page.AppendLine("## Analysis");
        page.AppendLine();
        page.AppendLine(AnalysisBegin);
        page.AppendLine(ExistingAnalysis(existingPage) ?? "(No analysis written yet.)");
        page.AppendLine(AnalysisEnd);
        return page.ToString();
    }

    // ---- summary ----

    private static void WriteSummary(StringBuilder page, RunRecord run)
    {
        page.AppendLine("## Summary");
        page.AppendLine();
        page.AppendLine("| What | Measured | Target | |");
        page.AppendLine("|---|---|---|---|");
        if (run.Dispatch is { } dispatch)
        {
            foreach (var scenario in dispatch.Scenarios.Where(x => dispatch.Of(x, ServerKind.Ours).Count > 0))
            {
                var unit = Unit(scenario);
                var (ratio, pairs) = CpuRatio(dispatch, scenario);
                page.AppendLine($"| {DispatchBenchmark.Name(scenario)}: server CPU per {unit}, ours / hand-written | {F(ratio, 3)} (rep by rep {F(pairs.Min(), 3)} to {F(pairs.Max(), 3)}) | ≤ {F(CpuRatioTarget, 2)} | {Verdict(ratio <= CpuRatioTarget, pairs.Min() <= CpuRatioTarget && pairs.Max() > CpuRatioTarget)} |");
                var hw = Median(dispatch.Of(scenario, ServerKind.HandWritten).Select(s => s.BytesPerOp));
                var ours = Median(dispatch.Of(scenario, ServerKind.Ours).Select(s => s.BytesPerOp));
                page.AppendLine($"| {DispatchBenchmark.Name(scenario)}: server bytes allocated per {unit}, ours − hand-written | {Signed(ours - hw)} B ({F(ours, 0)} vs {F(hw, 0)}) | ≤ +{F(AllocDeltaTarget, 0)} B | {Verdict(ours - hw <= AllocDeltaTarget, false)} |");
            }
        }

        if (run.Generator is { } generator)
        {
            foreach (var figure in generator.Generator)
            {
                var target = figure.Name.StartsWith("warm", StringComparison.Ordinal) ? WarmTargetMs
                    : figure.Name.StartsWith("cold", StringComparison.Ordinal) ? ColdTargetMs
                    : EditTargetMs;
                var ms = figure.MedianNs / 1e6;
                page.AppendLine($"| Generator, 100 files / {ProtoCorpus.RpcCount:N0} RPCs, {figure.Name} (median) | {Ms(figure.MedianNs)} | < {F(target, 0)} ms | {Verdict(ms < target, false)} |");
            }

            if (Speedup(generator) is { } speedup)
            {
                page.AppendLine($"| Parser throughput, ours / protobuf-net.Reflection (Add + Process) | {F(speedup.Ours, 1)} vs {F(speedup.Theirs, 1)} MB/s: {F(speedup.Ratio, 2)}x | ≥ {F(ParserSpeedupTarget, 0)}x | {Verdict(speedup.Ratio >= ParserSpeedupTarget, false)} |");
            }
        }

        page.AppendLine();
    }

    private static string Verdict(bool met, bool withinSpread) => met ? (withinSpread ? "met (within the spread)" : "met") : (withinSpread ? "**missed** (within the spread)" : "**missed**");

    // ---- dispatch ----

    private static void WriteDispatch(StringBuilder page, DispatchResults results)
    {
        var s = results.Settings;
        page.AppendLine("## 1. Dispatch overhead: RpcServer.AddHandler against a hand-written Grpc.AspNetCore service");
        page.AppendLine();
        page.AppendLine("Protos/bench.proto served two ways by the same executable: `Greeter.GreeterBase` (Grpc.Tools, `GrpcServices=\"Server\"`)");
        page.AppendLine("overridden and registered with `MapGrpcService`, on the host configuration `HandleRpc` builds (slim builder, Kestrel");
        page.AppendLine("HTTP/2 only, framework logs at Warning); and `RpcServer.AddHandler` with the same handlers as plain functions (a");
        page.AppendLine("lambda, a `yield return` iterator, an async iterator), served by `HandleRpcAsync` with default options (health service");
        page.AppendLine("on). Both handlers do the same work per response: one `HelloReply`, the same strings, one interlocked counter.");
        page.AppendLine();
        page.AppendLine($"Each server runs in a fresh process pinned to core {DispatchSettings.ServerCore} (`taskset -c {DispatchSettings.ServerCore}`, so .NET sees one CPU), its load generator");
        page.AppendLine($"pinned to core {DispatchSettings.LoadCore}: h2load (`-t 1`) POSTing a pre-built gRPC frame for unary ({DispatchSettings.UnaryConnections} connections × {DispatchSettings.UnaryStreamsPerConnection} streams) and server");
        page.AppendLine($"streaming ({DispatchSettings.StreamMessages} replies per call, {DispatchSettings.StreamingConnections} × {DispatchSettings.StreamingStreamsPerConnection}); a Grpc.Net.Client process for bidi ping-pong ({DispatchSettings.PingPongStreams} calls on one channel, each");
        page.AppendLine("sending a request and awaiting its reply before the next). Each server process first serves unmeasured load,");
        page.AppendLine($"{F(s.ProcessWarmupSeconds, 0)} s of the first RPC kind and {F(s.ProcessWarmupSeconds / 3, 0)} s of each other: on one saturated core tiered compilation needs 25 to 30 s to");
        page.AppendLine("reach steady state (server CPU per unary call falls from about 21 µs to about 9 µs for both servers), so a shorter");
        page.AppendLine("warm-up would measure the JIT rather than the dispatch. Then the server process measures itself over a window that");
        page.AppendLine($"starts {F(s.WarmupSeconds, 0)} s into each load and lasts {F(s.WindowSeconds, 0)} s: `Process.TotalProcessorTime` (all threads: Kestrel, grpc-dotnet, GC) and");
        page.AppendLine("`GC.GetTotalAllocatedBytes(true)` deltas, divided by the responses its handlers produced in the window (a call for");
        page.AppendLine($"unary, a message for streaming). {s.Repetitions} repetitions, alternating hand-written, ours, hand-written, ours, ...; medians");
        page.AppendLine("with the range over repetitions in brackets. \"Server CPU\" is the server's share of its core: near 100 % when the");
        page.AppendLine("load saturates it. \"Other work on core 0\" is core 0's busy share (from /proc/stat) less the server's: anything but a");
        page.AppendLine("few percent means something else (another process, another container) competed with the server for its core. A window");
        page.AppendLine($"with more than {F(DispatchSettings.DisturbedThreshold * 100, 0)} % other work is measured again, up to {DispatchSettings.MaxAttempts} times; the last attempt is kept either way{Retried(results)}.");
        page.AppendLine();
        page.AppendLine("| RPC kind | server | responses/s | server CPU per response (µs) | bytes allocated per response | server CPU | other work on core 0 | gen0 GCs per 10k |");
        page.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in results.Scenarios)
        {
            foreach (var kind in new[] { ServerKind.HandWritten, ServerKind.Ours })
            {
                var samples = results.Of(scenario, kind);
                if (samples.Count == 0)
                {
                    continue;
                }

                page.AppendLine(
                    $"| {DispatchBenchmark.Name(scenario)} | {DispatchBenchmark.Name(kind)} | {Spread(samples.Select(x => x.OpsPerSecond), 0)} | {Spread(samples.Select(x => x.CpuMicrosecondsPerOp), 2)} | {Spread(samples.Select(x => x.BytesPerOp), 0)} | {F(Median(samples.Select(x => x.CpuUtilization)) * 100, 0)} % | {F(Median(samples.Select(x => x.OtherWorkOnServerCore)) * 100, 0)} % (max {F(samples.Max(x => x.OtherWorkOnServerCore) * 100, 0)} %) | {F(Median(samples.Select(x => x.Window.Gen0 * 10000.0 / x.Window.Responses)), 2)} |");
            }
        }

        page.AppendLine();
        page.AppendLine("| RPC kind | CPU ratio ours / hand-written (medians) | rep-by-rep ratios | allocation ours − hand-written (medians) | throughput ratio ours / hand-written |");
        page.AppendLine("|---|---:|---|---:|---:|");
        foreach (var scenario in results.Scenarios.Where(x => results.Of(x, ServerKind.Ours).Count > 0 && results.Of(x, ServerKind.HandWritten).Count > 0))
        {
            var (ratio, pairs) = CpuRatio(results, scenario);
            var hw = results.Of(scenario, ServerKind.HandWritten);
            var ours = results.Of(scenario, ServerKind.Ours);
            var alloc = Median(ours.Select(x => x.BytesPerOp)) - Median(hw.Select(x => x.BytesPerOp));
            var rate = Median(ours.Select(x => x.OpsPerSecond)) / Median(hw.Select(x => x.OpsPerSecond));
            page.AppendLine($"| {DispatchBenchmark.Name(scenario)} | {F(ratio, 3)} | {string.Join(", ", pairs.Select(p => F(p, 3)))} | {Signed(alloc)} B | {F(rate, 3)} |");
        }

        page.AppendLine();
        if (results.Profiles.Count > 0)
        {
            WriteProfiles(page, results);
        }
    }

    private static void WriteProfiles(StringBuilder page, DispatchResults results)
    {
        page.AppendLine("### Allocation by type");
        page.AppendLine();
        var method = results.Profiles.Values.Select(p => p.Method).FirstOrDefault() ?? "";
        page.AppendLine($"A separate pass (one process per server, {F(results.Settings.ProfileSeconds, 0)} s per RPC kind, not part of the figures above): an in-process");
        page.AppendLine(method == "AllocationSampled"
            ? "EventListener receives the runtime's randomized allocation samples (`AllocationSampled`, .NET 10: every byte equally likely,"
              + " one sample per 100 KB on average) and weights each sample by its object's size, an unbiased estimate of the bytes each"
              + " type takes per response; the sampling noise is a few bytes per response. Exact totals from `GC.GetTotalAllocatedBytes`."
            : "EventListener samples the runtime's `GCAllocationTick` event (about one per 100 KB allocated, charged to the type of the"
              + " object that crossed the mark: a biased, noisy estimate); only types that one server allocates and the other does not are"
              + " reliable rows.");
        page.AppendLine("Rows differing by at least 4 B per response, largest difference first.");
        page.AppendLine();
        foreach (var scenario in results.Scenarios)
        {
            if (!results.Profiles.TryGetValue((scenario, ServerKind.HandWritten), out var hw) || !results.Profiles.TryGetValue((scenario, ServerKind.Ours), out var ours))
            {
                continue;
            }

            var hwTypes = hw.Types.ToDictionary(t => t.Type, t => (double)t.Bytes / Math.Max(1, hw.Responses));
            var oursTypes = ours.Types.ToDictionary(t => t.Type, t => (double)t.Bytes / Math.Max(1, ours.Responses));
            var rows = hwTypes.Keys.Union(oursTypes.Keys)
                .Select(type => (Type: type, Hw: hwTypes.GetValueOrDefault(type), Ours: oursTypes.GetValueOrDefault(type)))
                .Where(row => Math.Abs(row.Ours - row.Hw) >= 4)
                .OrderByDescending(row => Math.Abs(row.Ours - row.Hw))
                .Take(15)
                .ToList();

            page.AppendLine($"**{DispatchBenchmark.Name(scenario)}** (per {Unit(scenario)}; exact totals in the window: hand-written {F((double)hw.AllocatedBytes / Math.Max(1, hw.Responses), 0)} B, ours {F((double)ours.AllocatedBytes / Math.Max(1, ours.Responses), 0)} B; {hw.Samples:N0} and {ours.Samples:N0} samples)");
            page.AppendLine();
            page.AppendLine("| type | hand-written B | ours B | difference |");
            page.AppendLine("|---|---:|---:|---:|");
            foreach (var row in rows)
            {
                page.AppendLine($"| `{row.Type.Replace("|", "\\|", StringComparison.Ordinal)}` | {F(row.Hw, 1)} | {F(row.Ours, 1)} | {Signed(row.Ours - row.Hw)} |");
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

    private static (double Ratio, IReadOnlyList<double> Pairs) CpuRatio(DispatchResults results, Scenario scenario)
    {
        var hw = results.Of(scenario, ServerKind.HandWritten);
        var ours = results.Of(scenario, ServerKind.Ours);
        var ratio = Median(ours.Select(x => x.CpuMicrosecondsPerOp)) / Median(hw.Select(x => x.CpuMicrosecondsPerOp));
        var pairs = hw.Zip(ours, (h, o) => o.CpuMicrosecondsPerOp / h.CpuMicrosecondsPerOp).ToList();
        return (ratio, pairs.Count > 0 ? pairs : [ratio]);
    }

    private static string Unit(Scenario scenario) => scenario == Scenario.Unary ? "call" : "message";

    // ---- generator and parser ----

    private static void WriteGenerator(StringBuilder page, GeneratorResults results)
    {
        page.AppendLine("## 2. Generator: 100 .proto files, 1,000 RPCs");
        page.AppendLine();
        page.AppendLine($"The corpus is made at run time (`Generator/ProtoCorpus.cs`): {results.CorpusFiles} files, {results.CorpusBytes:N0} bytes, in five packages with imports between files");
        page.AppendLine("(same and other packages) and of `google/protobuf/timestamp.proto` and `empty.proto`, 10 messages per file with nested");
        page.AppendLine("messages and enums, oneofs, maps and comments, two services of five RPCs per file (all four kinds). `GrpcServerGenerator`");
        page.AppendLine("runs in `CSharpGeneratorDriver` (Roslyn 5.12, as the .NET 10 SDK's compiler) with the files as AdditionalTexts:");
        page.AppendLine("*cold* is a new driver (every file parsed, resolved and emitted, the output parsed into syntax trees); *warm* runs the");
        page.AppendLine("driver again with nothing changed (what each C# keystroke costs in an IDE); the *edit* rows replace one file (imported by");
        page.AppendLine("three others) in the warm driver in BenchmarkDotNet's iteration setup and time the run that follows. BenchmarkDotNet 0.15.8,");
        page.AppendLine($"in-process toolchain, memory diagnoser. The generator emits {results.Check.Descriptors:N0} RPC descriptors in {results.Check.GeneratedFiles} files ({results.Check.GeneratedBytes / 1024.0:N0} KB of C#);");
        page.AppendLine($"the first run in a fresh process, JIT compilation of Roslyn and the generator included, took {F(results.Check.FirstRun.TotalMilliseconds, 0)} ms (one sample).");
        page.AppendLine();
        WriteFigures(page, results.Generator);
        if (results.Breakdown.Count > 0)
        {
            WriteBreakdown(page, results.Breakdown);
        }
    }

    private static void WriteBreakdown(StringBuilder page, IReadOnlyList<StepBreakdown> breakdown)
    {
        page.AppendLine("Where a run's time goes: the driver's elapsed time per pipeline step (`trackIncrementalGeneratorSteps`, which adds a");
        page.AppendLine($"little), median of {breakdown[0].Runs} runs after 3 warm-up runs, with how many of the step's outputs were recomputed (new or modified;");
        page.AppendLine("the rest came from the cache). \"Outside the steps\" is the run's total less the steps: the output callbacks (writing the C#)");
        page.AppendLine("and Roslyn parsing what was added.");
        page.AppendLine();
        page.Append("| step |");
        foreach (var scenario in breakdown)
        {
            page.Append(' ').Append(scenario.Scenario).Append(" |");
        }

        page.AppendLine();
        page.Append("|---|");
        page.AppendLine(string.Concat(breakdown.Select(_ => "---:|")));
        var steps = breakdown.SelectMany(b => b.Steps.Select(s => s.Step)).Distinct().ToList();
        foreach (var step in steps)
        {
            page.Append("| ").Append(step).Append(" |");
            foreach (var scenario in breakdown)
            {
                var time = scenario.Steps.FirstOrDefault(s => s.Step == step);
                page.Append(' ').Append(time is null ? "–" : $"{F(time.Milliseconds, 2)} ms ({time.Redone})").Append(" |");
            }

            page.AppendLine();
        }

        page.Append("| outside the steps |");
        foreach (var scenario in breakdown)
        {
            page.Append(' ').Append(F(scenario.TotalMilliseconds - scenario.Steps.Sum(s => s.Milliseconds), 2)).Append(" ms |");
        }

        page.AppendLine();
        page.Append("| **total** |");
        foreach (var scenario in breakdown)
        {
            page.Append(" **").Append(F(scenario.TotalMilliseconds, 2)).Append(" ms** |");
        }

        page.AppendLine();
        page.AppendLine();
    }

    private static void WriteParser(StringBuilder page, GeneratorResults results)
    {
        page.AppendLine("## 3. Parser throughput against protobuf-net.Reflection");
        page.AppendLine();
        page.AppendLine("The same corpus, all 100 files per operation. protobuf-net.Reflection 3.4.40: `FileDescriptorSet.Add(name, true, TextReader)`");
        page.AppendLine("for each file, then `Process()` (which resolves types and imports); its parse step alone (`Add` only) for comparison.");
        page.AppendLine("Ours: `ProtoParser.Parse(text)` (tokenizer, parser and the checks protoc makes while parsing), and the generator's whole");
        page.AppendLine("front end (`ProtoFileSpecBuilder.Build` per file, then `ProtoResolver.Resolve` over all files) as the like-for-like");
        page.AppendLine("counterpart of Add + Process; and `ProtoResolver.Resolve` alone over the 100 already-built specs, the step the generator");
        page.AppendLine($"repeats over all files when any one file changes. MB/s = corpus bytes ({results.CorpusBytes:N0}) / median time, 1 MB = 10^6 bytes.");
        page.AppendLine();
        page.AppendLine("| | median | MB/s | vs protobuf-net Add + Process | allocated per run |");
        page.AppendLine("|---|---:|---:|---:|---:|");
        var baseline = results.Parser.FirstOrDefault(f => f.Name.Contains("Add + Process", StringComparison.Ordinal));
        foreach (var figure in results.Parser)
        {
            // Resolving reads no text: no throughput, no comparison; it is there to split the front end's time.
            var parses = !figure.Name.Contains("resolve only", StringComparison.Ordinal);
            var mbs = parses ? F(results.CorpusBytes / (figure.MedianNs / 1e9) / 1e6, 1) : "–";
            var ratio = baseline is null || !parses ? "–" : F(baseline.MedianNs / figure.MedianNs, 2) + "x";
            page.AppendLine($"| {figure.Name} | {Ms(figure.MedianNs)} | {mbs} | {ratio} | {Bytes(figure.BytesPerOp)} |");
        }

        page.AppendLine();
    }

    private static void WriteFigures(StringBuilder page, IReadOnlyList<BenchmarkFigure> figures)
    {
        page.AppendLine("| | median | mean | Q1 – Q3 | min – max | iterations | allocated per run |");
        page.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var figure in figures)
        {
            page.AppendLine($"| {figure.Name} | {Ms(figure.MedianNs)} | {Ms(figure.MeanNs)} | {Ms(figure.Q1Ns)} – {Ms(figure.Q3Ns)} | {Ms(figure.MinNs)} – {Ms(figure.MaxNs)} | {figure.Iterations} | {Bytes(figure.BytesPerOp)} |");
        }

        page.AppendLine();
    }

    private static (double Ours, double Theirs, double Ratio)? Speedup(GeneratorResults results)
    {
        var theirs = results.Parser.FirstOrDefault(f => f.Name.Contains("Add + Process", StringComparison.Ordinal));
        var ours = results.Parser.FirstOrDefault(f => f.Name.Contains("ProtoParser.Parse", StringComparison.Ordinal));
        if (theirs is null || ours is null)
        {
            return null;
        }

        double MBs(BenchmarkFigure f) => results.CorpusBytes / (f.MedianNs / 1e9) / 1e6;
        return (MBs(ours), MBs(theirs), theirs.MedianNs / ours.MedianNs);
    }

    // ---- formatting ----

    private static string? ExistingAnalysis(string? page)
    {
        if (page is null)
        {
            return null;
        }

        var start = page.IndexOf(AnalysisBegin, StringComparison.Ordinal);
        var end = page.IndexOf(AnalysisEnd, StringComparison.Ordinal);
        return start < 0 || end < start ? null : page[(start + AnalysisBegin.Length)..end].Trim('\r', '\n');
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Spread(IEnumerable<double> values, int decimals)
    {
        var list = values.ToList();
        return list.Count == 1 ? F(list[0], decimals) : $"{F(Median(list), decimals)} [{F(list.Min(), decimals)}–{F(list.Max(), decimals)}]";
    }

    private static string F(double value, int decimals) => value.ToString("N" + decimals.ToString(s_invariant), s_invariant);

    private static string Signed(double value) => (value >= 0 ? "+" : "−") + F(Math.Abs(value), 1);

    private static string Ms(double nanoseconds) => nanoseconds >= 1e6
        ? F(nanoseconds / 1e6, 2) + " ms"
        : F(nanoseconds / 1e3, 1) + " µs";

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "?",
        >= 1024 * 1024 => F(bytes.Value / 1024.0 / 1024.0, 1) + " MB",
        >= 1024 => F(bytes.Value / 1024.0, 1) + " KB",
        _ => bytes.Value.ToString(s_invariant) + " B",
    };
}
