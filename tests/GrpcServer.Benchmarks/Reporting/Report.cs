using System.Globalization;
using System.Text;
using GrpcServer.Benchmarks.Dispatch;
using GrpcServer.Benchmarks.Generator;
using GrpcServer.Benchmarks.Scale;

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
    GeneratorResults? Generator,
    ScaleResults? Scale);

/// <summary>One row of the summary: what, the measured value with its spread and interval, the target and the verdict.</summary>
/// <param name="Readme">The row's wording in README's table, for the rows that go there; null for the others.</param>
internal sealed record SummaryRow(string What, string Measured, string Spread, string Interval, string Target, Verdict? Verdict, string? Readme);

/// <summary>
/// Writes docs/benchmarks.md and README's benchmark table. The figures are regenerated on every run; the hand-written
/// analysis between <see cref="AnalysisBegin"/> and <see cref="AnalysisEnd"/> is carried over from the existing page.
/// </summary>
internal static partial class Report
{
    public const string AnalysisBegin = "<!-- analysis:begin (hand-written; kept when the page is regenerated) -->";
    public const string AnalysisEnd = "<!-- analysis:end -->";
    public const string ReadmeBegin = "<!-- benchmarks:begin (written by tests/GrpcServer.Benchmarks `-- all`; edits here are overwritten) -->";
    public const string ReadmeEnd = "<!-- benchmarks:end -->";

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
        page.AppendLine("Written by `tests/GrpcServer.Benchmarks` (see DESIGN.md, Quality bars; issue 13). Regenerate the page with the command");
        page.AppendLine("below, on an otherwise idle machine (no builds or tests running); it also rewrites README's table.");
        page.AppendLine();
        page.AppendLine("| | |");
        page.AppendLine("|---|---|");
        page.AppendLine($"| Command | `{run.Command}` |");
        page.AppendLine($"| Date | {run.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm", s_invariant)} UTC, {run.Duration.TotalMinutes.ToString("F0", s_invariant)} min |");
        page.AppendLine($"| CPU | {run.Machine.Cpu}; {run.Machine.Cores} |");
        page.AppendLine($"| OS | {run.Machine.OS} |");
        page.AppendLine($"| .NET | {run.Machine.Runtime}, SDK {run.Machine.Sdk}; Release build |");
        page.AppendLine($"| Repetitions | {Repetitions(run)} |");
        if (run.Dispatch is { } d)
        {
            page.AppendLine($"| Server processes | {d.ServerRuntime}; load generator {d.H2LoadVersion} |");
        }

        page.AppendLine($"| Load average (1, 5, 15 min) | at start {run.LoadAtStart}; at end {run.LoadAtEnd} (the kernel's, so other containers on this machine count) |");
        page.AppendLine($"| Cores busy just before the start | {F(run.BusyAtStart * 100, 0)} % (5 s, /proc/stat) |");
        page.AppendLine($"| Waiting for quiet | each measurement waited until both cores were under {F(QuietGate.Threshold * 100, 0)} % busy for 3 s: {F(run.WaitedForQuiet.TotalMinutes, 1)} min in all; {run.StartedBusy} measurement(s) started busy once the waiting budget was spent |");
        page.AppendLine($"| Other builds/tests at start | {(run.CompetingAtStart.Count == 0 ? "none" : string.Join("<br>", run.CompetingAtStart.Select(c => "`" + c.Replace("|", "\\|", StringComparison.Ordinal) + "`")))} |");
        page.AppendLine();

        WriteSummary(page, Rows(run));
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

        if (run.Scale is { } scale)
        {
            WriteScale(page, scale);
        }

        page.AppendLine("## Analysis");
        page.AppendLine();
        page.AppendLine(AnalysisBegin);
        page.AppendLine(ExistingAnalysis(existingPage) ?? "(No analysis written yet.)");
        page.AppendLine(AnalysisEnd);
        return page.ToString();
    }

    /// <summary>README with its benchmark table (between the markers) replaced by this run's headline rows.</summary>
    public static string UpdateReadme(string readme, RunRecord run)
    {
        var start = readme.IndexOf(ReadmeBegin, StringComparison.Ordinal);
        var end = readme.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"README.md has no benchmark table markers ({ReadmeBegin} ... {ReadmeEnd}).");
        }

        var table = new StringBuilder();
        table.AppendLine(ReadmeBegin);
        table.AppendLine($"The latest run ({run.Started.UtcDateTime.ToString("yyyy-MM-dd", s_invariant)}, {run.Machine.Cores}; intervals are 95 %; every row, its spread and the method in [docs/benchmarks.md](docs/benchmarks.md)):");
        table.AppendLine();
        table.AppendLine("| what | measured (95 % interval) | target | |");
        table.AppendLine("|---|---|---|---|");
        foreach (var row in Rows(run).Where(r => r.Readme is not null))
        {
            // The figure alone (its details are on the page), with its interval.
            var cut = row.Measured.IndexOf(" (", StringComparison.Ordinal);
            var measured = cut > 0 ? row.Measured[..cut] : row.Measured;
            var interval = row.Interval.StartsWith('–') ? "" : $" ({row.Interval})";
            table.AppendLine($"| {row.Readme} | {measured}{interval} | {row.Target} | {VerdictText(row.Verdict)} |");
        }

        return readme[..start] + table.ToString() + readme[end..];
    }

    private static string Repetitions(RunRecord run)
    {
        var parts = new List<string>();
        if (run.Dispatch is { } d)
        {
            parts.Add($"dispatch: {d.Settings.Repetitions} processes per server, one {F(d.Settings.WindowSeconds, 0)} s window per scenario each");
        }

        if (run.Generator is { } g && g.Generator.Count + g.Parser.Count > 0)
        {
            parts.Add($"generator and parser: BenchmarkDotNet, {string.Join(", ", g.Generator.Concat(g.Parser).Select(f => f.Iterations).Distinct().Order())} iterations");
        }

        if (run.Scale is { } s)
        {
            parts.Add($"scale: {s.Settings.BuildRepetitions} builds per project, {s.Settings.RoslynRepetitions} Roslyn repetitions per file, {s.Settings.DesignRepetitions} per candidate design");
        }

        return string.Join("; ", parts);
    }

    // ---- summary ----

    private static List<SummaryRow> Rows(RunRecord run)
    {
        var rows = new List<SummaryRow>();
        if (run.Dispatch is { } dispatch)
        {
            rows.AddRange(DispatchRows(dispatch));
        }

        if (run.Generator is { } generator)
        {
            rows.AddRange(GeneratorRows(generator));
        }

        if (run.Scale is { } scale)
        {
            rows.AddRange(ScaleRows(scale));
        }

        return rows;
    }

    private static void WriteSummary(StringBuilder page, IReadOnlyList<SummaryRow> rows)
    {
        page.AppendLine("## Summary");
        page.AppendLine();
        page.AppendLine("Every target of issue 13 and DESIGN.md's quality bars. *Met*: the whole 95 % interval is within the target; *missed*: the whole");
        page.AppendLine("interval is outside it; *not resolved*: the interval straddles the target (the estimate leans the way it says).");
        page.AppendLine();
        page.AppendLine("| What | Measured | Spread | 95 % interval | Target | |");
        page.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            page.AppendLine($"| {row.What} | {row.Measured} | {row.Spread} | {row.Interval} | {row.Target} | {VerdictText(row.Verdict)} |");
        }

        page.AppendLine();
    }

    private static IEnumerable<SummaryRow> GeneratorRows(GeneratorResults generator)
    {
        foreach (var figure in generator.Generator)
        {
            var target = figure.Name.StartsWith("warm", StringComparison.Ordinal) ? WarmTargetMs
                : figure.Name.StartsWith("cold", StringComparison.Ordinal) ? ColdTargetMs
                : EditTargetMs;
            var mean = figure.Mean;
            yield return new SummaryRow(
                $"Generator, 100 files / {ProtoCorpus.RpcCount:N0} RPCs, {figure.Name}",
                $"{Ms(figure.MeanNs)} mean (median {Ms(figure.MedianNs)})",
                $"Q1–Q3 {Ms(figure.Q1Ns)}–{Ms(figure.Q3Ns)}, n = {figure.Iterations}",
                $"{Ms(mean.Low)}–{Ms(mean.High)}",
                $"< {F(target, 0)} ms",
                mean.Against(target * 1e6),
                $"generator, 100 files / 1,000 RPCs: {figure.Name}");
        }

        foreach (var figure in generator.Parser.Where(f => f.Name.StartsWith("ours", StringComparison.Ordinal) && !f.Name.Contains("resolve only", StringComparison.Ordinal)))
        {
            if (figure.BytesPerOp is not { } bytes)
            {
                continue;
            }

            yield return new SummaryRow(
                $"Parser allocation per KB of .proto, {figure.Name}",
                $"{F(bytes / (generator.CorpusBytes / 1024.0), 0)} B per KB ({Bytes(bytes)} for {F(generator.CorpusBytes / 1024.0, 0)} KB)",
                "exact (memory diagnoser)",
                "–",
                "below 2026-11-24's (Parse: 56,700 B per KB)",
                null,
                figure.Name.Contains("Parse", StringComparison.Ordinal) ? "parser: bytes allocated per KB of .proto" : null);
        }

        if (Speedup(generator) is { } speedup && generator.Parser.FirstOrDefault(f => f.Name.Contains("ProtoParser.Parse", StringComparison.Ordinal)) is { } ours
            && generator.Parser.FirstOrDefault(f => f.Name.Contains("Add + Process", StringComparison.Ordinal)) is { } theirs)
        {
            // Ratio of means, its relative error from both standard errors.
            var ratio = theirs.MeanNs / ours.MeanNs;
            var relative = Math.Sqrt(Math.Pow(theirs.StandardErrorNs / theirs.MeanNs, 2) + Math.Pow(ours.StandardErrorNs / ours.MeanNs, 2))
                * Statistics.T975(Math.Min(theirs.Iterations, ours.Iterations) - 1);
            var interval = new Interval(ratio, ratio * (1 - relative), ratio * (1 + relative), ratio, ratio, Math.Min(theirs.Iterations, ours.Iterations));
            yield return new SummaryRow(
                "Parser throughput, ours / protobuf-net.Reflection (Add + Process)",
                $"{F(speedup.Ratio, 2)}x ({F(speedup.Ours, 1)} vs {F(speedup.Theirs, 1)} MB/s, medians)",
                $"ours Q1–Q3 {Ms(ours.Q1Ns)}–{Ms(ours.Q3Ns)}",
                $"{F(interval.Low, 2)}x to {F(interval.High, 2)}x",
                $"≥ {F(ParserSpeedupTarget, 0)}x",
                interval.Low >= ParserSpeedupTarget ? Verdict.Met : interval.High < ParserSpeedupTarget ? Verdict.Missed : Verdict.NotResolved,
                "parser throughput, ours / protobuf-net.Reflection");
        }
    }

    private static string VerdictText(Verdict? verdict) => verdict switch
    {
        Verdict.Met => "met",
        Verdict.Missed => "**missed**",
        Verdict.NotResolved => "not resolved",
        Verdict.MetByEstimate => "met (one sample)",
        Verdict.MissedByEstimate => "**missed** (one sample)",
        _ => "(no numeric target)",
    };

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

    public static double Median(IEnumerable<double> values) => Statistics.Median(values);

    private static string IntervalText(Interval interval, int decimals, string unit, bool signed = false)
    {
        if (!interval.HasInterval)
        {
            return "– (one sample)";
        }

        string Format(double value) => (signed ? Signed(value, decimals) : F(value, decimals)) + unit;
        return $"{Format(interval.Low)} to {Format(interval.High)}";
    }

    private static string Spread(IEnumerable<double> values, int decimals)
    {
        var list = values.ToList();
        return list.Count switch
        {
            0 => "–",
            1 => F(list[0], decimals),
            _ => $"{F(Statistics.Median(list), decimals)} [{F(list.Min(), decimals)}–{F(list.Max(), decimals)}]",
        };
    }

    private static string F(double value, int decimals) =>
        double.IsNaN(value) ? "?" : value.ToString("N" + decimals.ToString(s_invariant), s_invariant);

    private static string Signed(double value, int decimals = 1) => (value >= 0 ? "+" : "−") + F(Math.Abs(value), decimals);

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
