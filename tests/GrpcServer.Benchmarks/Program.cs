using System.Globalization;
using GrpcServer.Benchmarks.Dispatch;
using GrpcServer.Benchmarks.Generator;
using GrpcServer.Benchmarks.Reporting;
using GrpcServer.Benchmarks.Scale;

namespace GrpcServer.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/GrpcServer.Benchmarks -- all</c> runs every benchmark and writes
/// docs/benchmarks.md and README's benchmark table. The other commands run one part and print the page (or write it
/// to <c>--out</c>); see <see cref="Usage"/>. <c>server</c> and <c>pingpong</c> are the child processes of the
/// dispatch benchmark.
/// </summary>
public static class Program
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/GrpcServer.Benchmarks -- all|dispatch|generator|parser|scale [options]
          all         every benchmark; writes docs/benchmarks.md and README's benchmark table (about 75 min; an idle machine)
          dispatch    per-call server CPU and allocation: RpcServer against hand-written services, streaming, error path, metrics
          generator   the source generator over a 100-file corpus (cold, warm, one file edited), and the parser
          parser      the .proto parser against protobuf-net.Reflection only
          scale       build and IDE scale: projects of 50 to 1,000 RPCs, named form against grpc-dotnet, candidate designs
        options:
          --quick             the smoke test: every path with few repetitions and short windows (figures not worth keeping)
          --reps N            dispatch repetitions (processes per server; default 5)
          --process-warmup S  dispatch: unmeasured load of a process's first scenario (default 36 s)
          --other-warmup S    dispatch: unmeasured load of each other scenario (default 8 s)
          --warmup S          dispatch warm-up seconds before each window (default 3)
          --window S          dispatch measured window in seconds (default 10)
          --no-profile        skip the allocation-by-type pass of the dispatch benchmark
          --scenarios LIST    dispatch scenarios: unary,serverstreaming,clientstreaming,bidipingpong,abort,throw,metrics
          --servers LIST      dispatch servers: handwritten,handwritten-tuned,ours,ours-defaults
          --sizes LIST        scale: project sizes in RPCs (default 50,250,500,1000)
          --build-reps N      scale: measured builds per project (default 2)
          --roslyn-reps N     scale: Roslyn repetitions per registering file and per candidate design (default 3)
          --wait-quiet MIN    before each measurement wait for idle cores, up to MIN minutes in all (default 40, --quick 0)
          --out PATH          write the page there (default for `all`: docs/benchmarks.md)
          --readme PATH       rewrite the benchmark table of this README (default for `all`: README.md)
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
                return await ServerMain.RunAsync(ServerKinds.Parse(Option(args, "--kind")));
            case "pingpong":
                return await PingPongClient.RunAsync(
                    Option(args, "--url") ?? throw new ArgumentException("--url is required"),
                    int.Parse(Option(args, "--streams") ?? "16", CultureInfo.InvariantCulture),
                    double.Parse(Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture));
            case "all" or "dispatch" or "generator" or "parser" or "scale":
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
        var dispatchSettings = DispatchSettingsFrom(args, quick);
        var scaleSettings = ScaleSettingsFrom(args, quick);
        var repository = FindRepositoryRoot();
        var output = Option(args, "--out") ?? (command == "all" ? Path.Combine(repository, "docs", "benchmarks.md") : null);
        var readme = Option(args, "--readme") ?? (command == "all" ? Path.Combine(repository, "README.md") : null);

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
        ScaleResults? scale = null;
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

        if (command is "all" or "scale")
        {
            Console.WriteLine("Build and IDE scale");
            scale = await ScaleBenchmark.RunAsync(scaleSettings, repository, gate, Console.Out);
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
            generator,
            scale);

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

        if (readme is not null)
        {
            await File.WriteAllTextAsync(readme, Report.UpdateReadme(await File.ReadAllTextAsync(readme), run));
            Console.WriteLine("Wrote the benchmark table of " + Path.GetFullPath(readme));
        }

        return 0;
    }

    private static DispatchSettings DispatchSettingsFrom(string[] args, bool quick)
    {
        var settings = (quick ? DispatchSettings.Quick : DispatchSettings.Full) with { Profile = !args.Contains("--no-profile") };
        if (Option(args, "--reps") is { } reps)
        {
            settings = settings with { Repetitions = int.Parse(reps, CultureInfo.InvariantCulture) };
        }

        if (Option(args, "--process-warmup") is { } processWarmup)
        {
            settings = settings with { ProcessWarmupSeconds = Seconds(processWarmup) };
        }

        if (Option(args, "--other-warmup") is { } otherWarmup)
        {
            settings = settings with { OtherWarmupSeconds = Seconds(otherWarmup) };
        }

        if (Option(args, "--warmup") is { } warmup)
        {
            settings = settings with { WarmupSeconds = Seconds(warmup) };
        }

        if (Option(args, "--window") is { } window)
        {
            settings = settings with { WindowSeconds = Seconds(window), ProfileSeconds = Seconds(window) };
        }

        if (Option(args, "--scenarios") is { } scenarios)
        {
            settings = settings with { ScenarioFilter = [.. scenarios.Split(',').Select(Scenarios.Parse)] };
        }

        if (Option(args, "--servers") is { } servers)
        {
            settings = settings with
            {
                KindFilter = [.. servers.Split(',').Select(name => ServerKinds.All.FirstOrDefault(k => k.Argument() == name, (ServerKind)(-1)))
                    .Select(kind => Enum.IsDefined(kind) ? kind : throw new ArgumentException("--servers: " + servers))],
            };
        }

        return settings;
    }

    private static ScaleSettings ScaleSettingsFrom(string[] args, bool quick)
    {
        var settings = quick ? ScaleSettings.Quick : ScaleSettings.Full;
        if (Option(args, "--sizes") is { } sizes)
        {
            settings = settings with { Sizes = [.. sizes.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] };
        }

        if (Option(args, "--build-reps") is { } builds)
        {
            settings = settings with { BuildRepetitions = int.Parse(builds, CultureInfo.InvariantCulture) };
        }

        if (Option(args, "--roslyn-reps") is { } roslyn)
        {
            var n = int.Parse(roslyn, CultureInfo.InvariantCulture);
            settings = settings with { RoslynRepetitions = n, DesignRepetitions = n };
        }

        return settings;
    }

    private static double Seconds(string value) => double.Parse(value, CultureInfo.InvariantCulture);

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

        throw new InvalidOperationException("Cannot find the repository root (GrpcServer.Generators.sln).");
    }
}
