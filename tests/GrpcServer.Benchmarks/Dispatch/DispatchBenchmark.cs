using System.Diagnostics;
using System.Text.Json;
using Bench;
using Grpc.Core;
using Grpc.Net.Client;
using GrpcServer.Benchmarks.Reporting;

namespace GrpcServer.Benchmarks.Dispatch;

/// <summary>The kinds of call measured.</summary>
internal enum Scenario
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    BidiPingPong,

    /// <summary>Unary calls that end with NOT_FOUND: ours by <c>context.Abort</c>, hand-written by <c>throw new RpcException</c>.</summary>
    UnaryAbort,

    /// <summary>Unary calls that end with NOT_FOUND: both by <c>throw new RpcException</c>.</summary>
    UnaryThrow,

    /// <summary>Unary calls while a MeterListener collects the server's statistics every second.</summary>
    UnaryMetrics,
}

internal static class Scenarios
{
    public static string Name(this Scenario scenario) => scenario switch
    {
        Scenario.Unary => "unary",
        Scenario.ServerStreaming => "server streaming",
        Scenario.ClientStreaming => "client streaming",
        Scenario.BidiPingPong => "bidi ping-pong",
        Scenario.UnaryAbort => "unary, handler aborts",
        Scenario.UnaryThrow => "unary, handler throws",
        _ => "unary, MeterListener attached",
    };

    /// <summary>What the figures are per: a call or a message (the streamed direction's).</summary>
    public static string Unit(this Scenario scenario) =>
        scenario is Scenario.ServerStreaming or Scenario.ClientStreaming or Scenario.BidiPingPong ? "message" : "call";

    public static bool Fails(this Scenario scenario) => scenario is Scenario.UnaryAbort or Scenario.UnaryThrow;

    public static Scenario Parse(string name) => name.ToLowerInvariant() switch
    {
        "abort" or "unaryabort" => Scenario.UnaryAbort,
        "throw" or "unarythrow" => Scenario.UnaryThrow,
        "metrics" or "unarymetrics" => Scenario.UnaryMetrics,
        var other => Enum.Parse<Scenario>(other, ignoreCase: true),
    };
}

/// <summary>One comparison the report makes: ours in one scenario against a baseline, paired repetition by repetition.</summary>
internal sealed record Comparison(Scenario Scenario, ServerKind Kind, Scenario BaselineScenario, ServerKind Baseline)
{
    /// <summary>
    /// Every comparison, each against the targets (CPU ≤ 1.02x, allocation ≤ +32 B). Default options against the
    /// tuned hand-written server is what a user's server is up against; LogLevel Warning against the same-host
    /// hand-written server isolates dispatch (same logging on both sides).
    /// </summary>
    public static IReadOnlyList<Comparison> All { get; } =
    [
        new(Scenario.Unary, ServerKind.OursDefaults, Scenario.Unary, ServerKind.HandWrittenTuned),
        new(Scenario.Unary, ServerKind.OursDefaults, Scenario.Unary, ServerKind.HandWritten),
        new(Scenario.Unary, ServerKind.Ours, Scenario.Unary, ServerKind.HandWritten),
        new(Scenario.ServerStreaming, ServerKind.OursDefaults, Scenario.ServerStreaming, ServerKind.HandWrittenTuned),
        new(Scenario.ServerStreaming, ServerKind.OursDefaults, Scenario.ServerStreaming, ServerKind.HandWritten),
        new(Scenario.ServerStreaming, ServerKind.Ours, Scenario.ServerStreaming, ServerKind.HandWritten),
        new(Scenario.ClientStreaming, ServerKind.OursDefaults, Scenario.ClientStreaming, ServerKind.HandWrittenTuned),
        new(Scenario.BidiPingPong, ServerKind.OursDefaults, Scenario.BidiPingPong, ServerKind.HandWrittenTuned),
        new(Scenario.UnaryAbort, ServerKind.OursDefaults, Scenario.UnaryThrow, ServerKind.HandWrittenTuned),
        new(Scenario.UnaryThrow, ServerKind.OursDefaults, Scenario.UnaryThrow, ServerKind.HandWrittenTuned),
        new(Scenario.UnaryMetrics, ServerKind.OursDefaults, Scenario.Unary, ServerKind.HandWrittenTuned),
        new(Scenario.UnaryMetrics, ServerKind.OursDefaults, Scenario.Unary, ServerKind.OursDefaults),
    ];

    public string Label => Scenario == BaselineScenario
        ? $"{Scenario.Name()}: {Kind.Name()} / {Baseline.Name()}"
        : $"{Scenario.Name()}: {Kind.Name()} / {Baseline.Name()} ({BaselineScenario.Name()})";
}

/// <summary>How long and how often the dispatch benchmark measures.</summary>
internal sealed record DispatchSettings(int Repetitions, double ProcessWarmupSeconds, double OtherWarmupSeconds, double WarmupSeconds, double WindowSeconds, bool Profile, double ProfileSeconds)
{
    /// <summary>Restricts the scenarios (<c>--scenarios</c>); null for each server's own list.</summary>
    public IReadOnlyList<Scenario>? ScenarioFilter { get; init; }

    /// <summary>Restricts the servers (<c>--servers</c>); null for all four.</summary>
    public IReadOnlyList<ServerKind>? KindFilter { get; init; }

    public const int StreamMessages = 100;
    public const int UnaryConnections = 4;
    public const int UnaryStreamsPerConnection = 16;
    public const int StreamingConnections = 2;
    public const int StreamingStreamsPerConnection = 4;
    public const int PingPongStreams = 16;

    /// <summary>A window with more than this share of the server's core busy with other work is measured again.</summary>
    public const double DisturbedThreshold = 0.05;

    /// <summary>How often a disturbed window is measured at most (the last attempt is kept).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The cores: each server on one, its load generator on the other.</summary>
    public const int ServerCore = 0;
    public const int LoadCore = 1;

    /// <summary>
    /// Each server process first serves its first scenario for <c>ProcessWarmupSeconds</c> and each other for
    /// <c>OtherWarmupSeconds</c>: on one saturated core, tiered compilation takes 25 to 30 seconds to reach steady state
    /// (server CPU per unary call falls from about 21 to about 9 µs), and a shorter warm-up measures the JIT, not the
    /// dispatch. The other scenarios share most of the first one's code.
    /// </summary>
    public static DispatchSettings Full { get; } = new(Repetitions: 5, ProcessWarmupSeconds: 36, OtherWarmupSeconds: 8, WarmupSeconds: 3, WindowSeconds: 10, Profile: true, ProfileSeconds: 8);

    /// <summary>The smoke test of the benchmark itself: every path once, figures not worth keeping.</summary>
    public static DispatchSettings Quick { get; } = new(Repetitions: 2, ProcessWarmupSeconds: 3, OtherWarmupSeconds: 1, WarmupSeconds: 1, WindowSeconds: 2, Profile: true, ProfileSeconds: 2) { MaxAttempts = 1 };

    /// <summary>
    /// The scenarios each server runs. The two same-host servers run unary and server streaming (the rows against
    /// both baselines); the tuned hand-written server every scenario with a hand-written counterpart; ours with
    /// default options every scenario.
    /// </summary>
    public IReadOnlyList<Scenario> ScenariosOf(ServerKind kind)
    {
        IReadOnlyList<Scenario> own = kind switch
        {
            ServerKind.HandWritten or ServerKind.Ours => [Scenario.Unary, Scenario.ServerStreaming],
            ServerKind.HandWrittenTuned => [Scenario.Unary, Scenario.UnaryThrow, Scenario.ServerStreaming, Scenario.ClientStreaming, Scenario.BidiPingPong],

            // The error rows right after unary, so that the windows they are compared with are close in the process's
            // life; the MeterListener row last: creating a MeterListener starts .NET's runtime metrics, which subscribe to
            // AppDomain.FirstChanceException for good, and every later exception in the process would pay for it (the
            // 2026-12-03 run's error rows did: +77 B of FirstChanceExceptionEventArgs per call).
            _ => [Scenario.Unary, Scenario.UnaryAbort, Scenario.UnaryThrow, Scenario.ServerStreaming, Scenario.ClientStreaming, Scenario.BidiPingPong, Scenario.UnaryMetrics],
        };
        return ScenarioFilter is null ? own : [.. own.Where(ScenarioFilter.Contains)];
    }

    public IReadOnlyList<ServerKind> Kinds => KindFilter ?? ServerKinds.All;

    /// <summary>The servers of the allocation profile: the pair the targets are about.</summary>
    public IReadOnlyList<ServerKind> ProfileKinds => [.. Kinds.Where(k => k is ServerKind.HandWrittenTuned or ServerKind.OursDefaults)];
}

/// <summary>One measured window of one server process.</summary>
internal sealed record DispatchSample(Scenario Scenario, ServerKind Kind, int Repetition, WindowResult Window, string Load, double[] CoreBusy)
{
    /// <summary>Server CPU time per call (unary) or per message (streaming), in microseconds.</summary>
    public double CpuMicrosecondsPerOp => Window.CpuMilliseconds * 1000 / Window.Responses;

    public double BytesPerOp => (double)Window.AllocatedBytes / Window.Responses;

    public double OpsPerSecond => Window.Responses / (Window.WallMilliseconds / 1000);

    /// <summary>The share of its core the server used: about 1 when the load saturates it.</summary>
    public double CpuUtilization => Window.CpuMilliseconds / Window.WallMilliseconds;

    /// <summary>The share of the server's core that went to anything else (other processes, other containers).</summary>
    public double OtherWorkOnServerCore => Math.Max(0, CoreBusy.ElementAtOrDefault(DispatchSettings.ServerCore) - CpuUtilization);

    /// <summary>Which attempt at this window was kept (see <see cref="DispatchSettings.MaxAttempts"/>).</summary>
    public int Attempt { get; init; } = 1;
}

internal sealed class DispatchResults(DispatchSettings settings)
{
    public DispatchSettings Settings => settings;

    public List<DispatchSample> Samples { get; } = [];

    public Dictionary<(Scenario Scenario, ServerKind Kind), ProfileResult> Profiles { get; } = [];

    public string ServerRuntime { get; set; } = "";

    public string H2LoadVersion { get; set; } = "";

    public IReadOnlyList<DispatchSample> Of(Scenario scenario, ServerKind kind) =>
        Samples.Where(s => s.Scenario == scenario && s.Kind == kind).OrderBy(s => s.Repetition).ToList();

    /// <summary>The comparison's pairs: ours and the baseline measured in the same repetition.</summary>
    public IReadOnlyList<(DispatchSample Ours, DispatchSample Baseline)> Pairs(Comparison comparison)
    {
        var baseline = Of(comparison.BaselineScenario, comparison.Baseline).ToDictionary(s => s.Repetition);
        return [.. Of(comparison.Scenario, comparison.Kind).Where(s => baseline.ContainsKey(s.Repetition)).Select(s => (s, baseline[s.Repetition]))];
    }
}

/// <summary>
/// The dispatch benchmark: the same .proto served by hand-written Grpc.AspNetCore services and by
/// <c>RpcServer.AddHandler</c>, each in a fresh process pinned to core 0, driven by a load generator pinned to core 1.
/// A repetition starts one process of each server, in an order that alternates between repetitions (forward, then
/// backward), so that each comparison is a pair measured minutes apart. Each process measures its own CPU time and
/// allocated bytes over a window that starts after a warm-up.
/// </summary>
internal static class DispatchBenchmark
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(30);

    public static async Task<DispatchResults> RunAsync(DispatchSettings settings, QuietGate gate, TextWriter log)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The dispatch benchmark pins processes with taskset: it runs on Linux.");
        }

        var h2load = H2Load.Version() ?? throw new InvalidOperationException(H2Load.InstallHint);
        if (Environment.ProcessorCount < 2)
        {
            throw new InvalidOperationException("The dispatch benchmark needs two cores: one for the server, one for the load generator.");
        }

        // This process only waits while a window is measured; keep it off the server's core all the same.
        using (var self = Process.GetCurrentProcess())
        {
            self.ProcessorAffinity = 1 << DispatchSettings.LoadCore;
        }

        var results = new DispatchResults(settings) { H2LoadVersion = h2load };
        var directory = Directory.CreateTempSubdirectory("grpcserver-bench-");
        try
        {
            var frames = new Frames(
                H2Load.WriteFrames(directory.FullName, "hello.bin", [Requests.Hello]),
                H2Load.WriteFrames(directory.FullName, "hellos.bin", [Requests.Hellos(DispatchSettings.StreamMessages)]),
                H2Load.WriteFrames(directory.FullName, "collect.bin", Enumerable.Repeat(Requests.Hello, DispatchSettings.StreamMessages)));

            for (var repetition = 1; repetition <= settings.Repetitions; repetition++)
            {
                var kinds = repetition % 2 == 1 ? settings.Kinds : settings.Kinds.Reverse().ToList();
                foreach (var kind in kinds)
                {
                    var scenarios = settings.ScenariosOf(kind);
                    if (scenarios.Count == 0)
                    {
                        continue;
                    }

                    await using var server = await StartServerAsync(kind, results, log);
                    await WarmUpAsync(server, settings, scenarios, frames);
                    foreach (var scenario in scenarios)
                    {
                        // A window in which other work took a share of the server's core is measured again, twice at most.
                        DispatchSample sample;
                        var attempt = 1;
                        while (true)
                        {
                            await gate.WaitAsync();
                            sample = await MeasureAsync(server, kind, scenario, repetition, settings, frames) with { Attempt = attempt };
                            log.WriteLine(
                                $"  rep {repetition} {kind.Argument(),-17} {scenario.Name(),-30} {sample.OpsPerSecond,10:N0} /s  {sample.CpuMicrosecondsPerOp,8:F2} us  {sample.BytesPerOp,8:F0} B  cpu {sample.CpuUtilization:P0}  other on core 0 {sample.OtherWorkOnServerCore:P0}  gc0 {sample.Window.Gen0}");
                            if (sample.OtherWorkOnServerCore <= DispatchSettings.DisturbedThreshold || attempt >= settings.MaxAttempts)
                            {
                                break;
                            }

                            log.WriteLine("    disturbed by other work on the server's core: measuring again");
                            attempt++;
                        }

                        results.Samples.Add(sample);
                    }
                }
            }

            if (settings.Profile)
            {
                log.WriteLine("  allocation profile (sampled, separate pass)");
                foreach (var kind in settings.ProfileKinds)
                {
                    var scenarios = settings.ScenariosOf(kind);
                    if (scenarios.Count == 0)
                    {
                        continue;
                    }

                    await using var server = await StartServerAsync(kind, results, log);
                    await WarmUpAsync(server, settings, scenarios, frames);
                    foreach (var scenario in scenarios)
                    {
                        await gate.WaitAsync();
                        results.Profiles[(scenario, kind)] = await ProfileAsync(server, scenario, settings, frames);
                    }
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        return results;
    }

    private static async Task<RunningServer> StartServerAsync(ServerKind kind, DispatchResults results, TextWriter log)
    {
        var process = ChildProcess.StartSelf("server " + kind.Argument(), DispatchSettings.ServerCore, "server", "--kind", kind.Argument());
        try
        {
            var ready = (await process.ReadLineAsync(TimeSpan.FromMinutes(2))).Split(' ');
            if (ready.Length < 4 || ready[0] != "ready")
            {
                throw new InvalidOperationException($"The {kind.Name()} server did not start: {string.Join(' ', ready)}\n{process.Output}");
            }

            results.ServerRuntime = $"{ready[2]}, {ready[3]} (Environment.ProcessorCount under taskset)";
            await CheckAsync(ready[1]);
            return new RunningServer(process, ready[1]);
        }
        catch
        {
            await process.DisposeAsync();
            log.WriteLine(process.Output);
            throw;
        }
    }

    /// <summary>Each RPC answers as it should, before anything is measured.</summary>
    private static async Task CheckAsync(string url)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var client = new Greeter.GreeterClient(channel);
        var reply = await client.SayHelloAsync(Requests.Hello);
        Expect(reply.Message == "Hello world", "SayHello answered " + reply.Message);

        using var hellos = client.SayHellos(Requests.Hellos(3));
        var count = 0;
        while (await hellos.ResponseStream.MoveNext(CancellationToken.None))
        {
            Expect(hellos.ResponseStream.Current.Message == "world", "SayHellos answered " + hellos.ResponseStream.Current.Message);
            count++;
        }

        Expect(count == 3, $"SayHellos sent {count} replies for 3");

        using var collect = client.Collect();
        await collect.RequestStream.WriteAsync(Requests.Hello);
        await collect.RequestStream.WriteAsync(new HelloRequest { Name = "last" });
        await collect.RequestStream.CompleteAsync();
        Expect((await collect.ResponseAsync).Message == "last", "Collect did not answer with the last name");

        using var chat = client.Chat();
        await chat.RequestStream.WriteAsync(Requests.Hello);
        Expect(await chat.ResponseStream.MoveNext(CancellationToken.None) && chat.ResponseStream.Current.Message == "world", "Chat did not answer");
        await chat.RequestStream.CompleteAsync();
        Expect(!await chat.ResponseStream.MoveNext(CancellationToken.None), "Chat answered more than once");

        foreach (var fail in new Func<Task>[] { async () => await client.SayHelloAbortAsync(Requests.Hello), async () => await client.SayHelloThrowAsync(Requests.Hello) })
        {
            try
            {
                await fail();
                Expect(false, "a failing RPC succeeded");
            }
            catch (RpcException exception)
            {
                Expect(exception.StatusCode == Grpc.Core.StatusCode.NotFound && exception.Status.Detail == "no such greeting", $"a failing RPC ended with {exception.Status}");
            }
        }

        static void Expect(bool condition, string problem)
        {
            if (!condition)
            {
                throw new InvalidOperationException("The server under test misbehaves: " + problem);
            }
        }
    }

    private static ILoad StartLoad(Scenario scenario, string url, double seconds, Frames frames)
    {
        ILoad Unary(string method) =>
            H2Load.Start(url, "/bench.Greeter/" + method, frames.Hello, DispatchSettings.UnaryConnections, DispatchSettings.UnaryStreamsPerConnection, seconds, DispatchSettings.LoadCore);

        return scenario switch
        {
            Scenario.Unary or Scenario.UnaryMetrics => Unary("SayHello"),
            Scenario.UnaryAbort => Unary("SayHelloAbort"),
            Scenario.UnaryThrow => Unary("SayHelloThrow"),
            Scenario.ServerStreaming => H2Load.Start(url, "/bench.Greeter/SayHellos", frames.Hellos, DispatchSettings.StreamingConnections, DispatchSettings.StreamingStreamsPerConnection, seconds, DispatchSettings.LoadCore),
            Scenario.ClientStreaming => H2Load.Start(url, "/bench.Greeter/Collect", frames.Collect, DispatchSettings.StreamingConnections, DispatchSettings.StreamingStreamsPerConnection, seconds, DispatchSettings.LoadCore),
            _ => PingPongLoad.Start(url, DispatchSettings.PingPongStreams, seconds, DispatchSettings.LoadCore),
        };
    }

    /// <summary>Runs each scenario's load, unmeasured, until the process has compiled its hot paths at full tier.</summary>
    private static async Task WarmUpAsync(RunningServer server, DispatchSettings settings, IReadOnlyList<Scenario> scenarios, Frames frames)
    {
        var first = true;
        foreach (var scenario in scenarios)
        {
            var seconds = first ? settings.ProcessWarmupSeconds : settings.OtherWarmupSeconds;
            await StartLoad(scenario, server.Url, Math.Ceiling(seconds), frames).CompleteAsync();
            first = false;
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private static async Task<DispatchSample> MeasureAsync(RunningServer server, ServerKind kind, Scenario scenario, int repetition, DispatchSettings settings, Frames frames)
    {
        if (scenario == Scenario.UnaryMetrics)
        {
            Expect(await server.Process.CommandAsync("meters-on", s_commandTimeout), "ok", server.Process);
        }

        var load = StartLoad(scenario, server.Url, Math.Ceiling(settings.WarmupSeconds + settings.WindowSeconds + 2), frames);
        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds));
        Expect(await server.Process.CommandAsync("begin", s_commandTimeout), "ok", server.Process);
        var cores = CoreTimes.Read();
        await Task.Delay(TimeSpan.FromSeconds(settings.WindowSeconds));
        var coreBusy = CoreTimes.Read().BusySince(cores);
        var answer = await server.Process.CommandAsync("end", s_commandTimeout);
        var window = JsonSerializer.Deserialize<WindowResult>(Payload(answer, "window", server.Process))!;
        var loadSummary = await load.CompleteAsync();
        if (scenario == Scenario.UnaryMetrics)
        {
            loadSummary += "; " + Payload(await server.Process.CommandAsync("meters-off", s_commandTimeout), "meters", server.Process);
        }

        // Ours counts the failing calls of the error scenarios as failed, as it should; nothing else may fail.
        if (window.Responses <= 0 || (window.FailedCalls != 0 && !scenario.Fails()))
        {
            throw new InvalidOperationException($"{kind.Name()} {scenario.Name()}: {window.Responses} responses, {window.FailedCalls} failed calls in the window.");
        }

        // Let the last calls of the load drain before the next scenario starts.
        await Task.Delay(TimeSpan.FromSeconds(1));
        return new DispatchSample(scenario, kind, repetition, window, loadSummary, coreBusy);
    }

    private static async Task<ProfileResult> ProfileAsync(RunningServer server, Scenario scenario, DispatchSettings settings, Frames frames)
    {
        if (scenario == Scenario.UnaryMetrics)
        {
            Expect(await server.Process.CommandAsync("meters-on", s_commandTimeout), "ok", server.Process);
        }

        var load = StartLoad(scenario, server.Url, Math.Ceiling(settings.WarmupSeconds + settings.ProfileSeconds + 2), frames);
        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds));
        Expect(await server.Process.CommandAsync("profile-begin", s_commandTimeout), "ok", server.Process);
        await Task.Delay(TimeSpan.FromSeconds(settings.ProfileSeconds));
        var answer = await server.Process.CommandAsync("profile-end", s_commandTimeout);
        var profile = JsonSerializer.Deserialize<ProfileResult>(Payload(answer, "profile", server.Process))!;
        await load.CompleteAsync();
        if (scenario == Scenario.UnaryMetrics)
        {
            Payload(await server.Process.CommandAsync("meters-off", s_commandTimeout), "meters", server.Process);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        return profile;
    }

    private static void Expect(string answer, string expected, ChildProcess server)
    {
        if (answer != expected)
        {
            throw new InvalidOperationException($"{server.Name} answered '{answer}' instead of '{expected}'.\n{server.Output}");
        }
    }

    private static string Payload(string answer, string kind, ChildProcess server) =>
        answer.StartsWith(kind + " ", StringComparison.Ordinal)
            ? answer[(kind.Length + 1)..]
            : throw new InvalidOperationException($"{server.Name} answered '{answer}' instead of a {kind}.\n{server.Output}");

    private sealed record Frames(string Hello, string Hellos, string Collect);

    private sealed record RunningServer(ChildProcess Process, string Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
