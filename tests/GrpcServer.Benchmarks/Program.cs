using System.Globalization;
using GrpcServer.Benchmarks.Dispatch;
using GrpcServer.Benchmarks.Generator;
using GrpcServer.Benchmarks.Reporting;

namespace GrpcServer.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/GrpcServer.Benchmarks -- all</c> runs every benchmark and writes
/// docs/benchmarks.md. <c>dispatch</c>, <c>generator</c> and <c>parser</c> run one part and print the page (or write
/// it to <c>--out</c>). Options: <c>--quick</c> (short runs, for trying the benchmark out), <c>--reps N</c>,
/// <c>--warmup S</c>, <c>--window S</c>, <c>--no-profile</c>, <c>--scenarios LIST</c>, <c>--wait-quiet MIN</c>, <c>--out PATH</c>. <c>server</c> and <c>pingpong</c> are
/// the child processes of the dispatch benchmark.
/// </summary>
public static class Program
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/GrpcServer.Benchmarks -- all|dispatch|generator|parser [options]
          all         every benchmark; writes docs/benchmarks.md
          dispatch    per-call server CPU and allocation, RpcServer.AddHandler against a hand-written service
          generator   the source generator over a 100-file corpus (cold, warm, one file edited), and the parser
          parser      the .proto parser against protobuf-net.Reflection only
        options:
          --quick           short runs to try things out (figures not worth keeping)
          --reps N          dispatch repetitions per server (default 5)
          --process-warmup S  dispatch: unmeasured load when a server process starts (default 36 s, a third of it per other kind)
          --warmup S        dispatch warm-up seconds before each window (default 3)
          --window S        dispatch measured window in seconds (default 10)
          --no-profile      skip the allocation-by-type pass of the dispatch benchmark
          --scenarios LIST  dispatch RPC kinds to run: unary,serverstreaming,bidipingpong (default all)
          --wait-quiet MIN  before each measurement wait for idle cores, up to MIN minutes in all (default 40, --quick 0)
          --out PATH        write the page there (default for `all`: docs/benchmarks.md)
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        switch (args[0])
        {
            case "server":
                return await ServerMain.RunAsync(Option(args, "--kind") == "ours" ? ServerKind.Ours : ServerKind.HandWritten);
            case "pingpong":
                return await PingPongClient.RunAsync(
                    Option(args, "--url") ?? throw new ArgumentException("--url is required"),
                    int.Parse(Option(args, "--streams") ?? "16", CultureInfo.InvariantCulture),
                    double.Parse(Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture));
            case "all" or "dispatch" or "generator" or "parser":
                return await RunAsync(args);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

#if DEBUG
    private static readonly bool s_optimized = false;
#else
    private static readonly bool s_optimized = true;
#endif

    private static async Task<int> RunAsync(string[] args)
    {
        if (!s_optimized)
        {
            Console.Error.WriteLine("Benchmarks measure Release builds: run with -c Release.");
            return 2;
        }

        var command = args[0];
        var quick = args.Contains("--quick");
        var dispatchSettings = (quick ? DispatchSettings.Quick : DispatchSettings.Full) with
        {
            Profile = !args.Contains("--no-profile"),
        };
        if (Option(args, "--reps") is { } reps)
        {
            dispatchSettings = dispatchSettings with { Repetitions = int.Parse(reps, CultureInfo.InvariantCulture) };
        }

        if (Option(args, "--process-warmup") is { } processWarmup)
        {
            dispatchSettings = dispatchSettings with { ProcessWarmupSeconds = double.Parse(processWarmup, CultureInfo.InvariantCulture) };
        }

        if (Option(args, "--warmup") is { } warmup)
        {
            dispatchSettings = dispatchSettings with { WarmupSeconds = double.Parse(warmup, CultureInfo.InvariantCulture) };
        }

        if (Option(args, "--window") is { } window)
        {
            dispatchSettings = dispatchSettings with { WindowSeconds = double.Parse(window, CultureInfo.InvariantCulture), ProfileSeconds = double.Parse(window, CultureInfo.InvariantCulture) };
        }

        if (Option(args, "--scenarios") is { } scenarios)
        {
            dispatchSettings = dispatchSettings with
            {
                Scenarios = [.. scenarios.Split(',').Select(name => Enum.Parse<Scenario>(name, ignoreCase: true))],
            };
        }

        var output = Option(args, "--out") ?? (command == "all" ? Path.Combine(FindRepositoryRoot(), "docs", "benchmarks.md") : null);

        // Other builds share the machine's two cores: each measurement first waits for quiet, up to this much in all.
        var waitBudget = TimeSpan.FromMinutes(double.Parse(Option(args, "--wait-quiet") ?? (quick ? "0" : "40"), CultureInfo.InvariantCulture));
        var gate = new QuietGate(waitBudget, Console.Out);

        var busyAtStart = await MachineInfo.BusyShareAsync(TimeSpan.FromSeconds(5));
        var started = DateTimeOffset.UtcNow;
        var loadAtStart = MachineInfo.LoadAverage();
        var competing = MachineInfo.CompetingBuilds();
        Console.WriteLine($"GrpcServer benchmarks: {command}{(quick ? " (quick)" : "")}; load average {loadAtStart}, cores {busyAtStart:P0} busy");
        foreach (var process in competing)
        {
            Console.WriteLine("  running now, would compete for the cores: " + process);
        }

        DispatchResults? dispatch = null;
        GeneratorResults? generator = null;
        if (command is "all" or "dispatch")
        {
            Console.WriteLine("Dispatch");
            dispatch = await DispatchBenchmark.RunAsync(dispatchSettings, gate, Console.Out);
        }

        if (command is "all" or "generator" or "parser")
        {
            Console.WriteLine(command == "parser" ? "Parser" : "Generator and parser");
            generator = await GeneratorBenchmarkRunner.RunAsync(quick, generator: command != "parser", parser: true, gate, Console.Out);
        }

        var run = new RunRecord(
            "dotnet run -c Release --project tests/GrpcServer.Benchmarks -- " + string.Join(' ', args),
            started,
            DateTimeOffset.UtcNow - started,
            MachineInfo.Collect(),
            loadAtStart,
            busyAtStart,
            MachineInfo.LoadAverage(),
            gate.Waited,
            gate.StartedBusy,
            competing,
            dispatch,
            generator);

        var existing = output is not null && File.Exists(output) ? await File.ReadAllTextAsync(output) : null;
        var page = Report.Write(run, existing);
        if (output is null)
        {
            Console.WriteLine(page);
        }
        else
        {
            await File.WriteAllTextAsync(output, page);
            Console.WriteLine("Wrote " + Path.GetFullPath(output));
        }

        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "GrpcServer.Generators.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (GrpcServer.Generators.sln); pass --out PATH.");
    }
}
