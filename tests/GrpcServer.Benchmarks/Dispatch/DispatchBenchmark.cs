using System.Diagnostics;
using System.Text.Json;
using Bench;
using Grpc.Net.Client;
using GrpcServer.Benchmarks.Reporting;

namespace GrpcServer.Benchmarks.Dispatch;

/// <summary>The RPC kinds measured.</summary>
internal enum Scenario
{
    Unary,
    ServerStreaming,
    BidiPingPong,
}

/// <summary>How long and how often the dispatch benchmark measures.</summary>
internal sealed record DispatchSettings(int Repetitions, double ProcessWarmupSeconds, double WarmupSeconds, double WindowSeconds, bool Profile, double ProfileSeconds)
{
    /// <summary>The RPC kinds to measure; all by default.</summary>
    public IReadOnlyList<Scenario> Scenarios { get; init; } = Enum.GetValues<Scenario>();

    public const int StreamMessages = 100;
    public const int UnaryConnections = 4;
    public const int UnaryStreamsPerConnection = 16;
    public const int StreamingConnections = 2;
    public const int StreamingStreamsPerConnection = 4;
    public const int PingPongStreams = 16;

    /// <summary>A window with more than this share of the server's core busy with other work is measured again.</summary>
    public const double DisturbedThreshold = 0.05;
    public const int MaxAttempts = 3;

    /// <summary>The cores: each server on one, its load generator on the other.</summary>
    public const int ServerCore = 0;
    public const int LoadCore = 1;

    /// <summary>
    /// Each server process first serves the first RPC kind for <c>ProcessWarmupSeconds</c> and each other kind for a third
    /// of that: on one saturated core, tiered compilation takes 25 to 30 seconds to reach steady state (server CPU per
    /// unary call falls from about 21 to about 9 µs), and a shorter warm-up measures the JIT, not the dispatch.
    /// </summary>
    public static DispatchSettings Full { get; } = new(Repetitions: 5, ProcessWarmupSeconds: 36, WarmupSeconds: 3, WindowSeconds: 10, Profile: true, ProfileSeconds: 15);

    public static DispatchSettings Quick { get; } = new(Repetitions: 2, ProcessWarmupSeconds: 6, WarmupSeconds: 2, WindowSeconds: 3, Profile: true, ProfileSeconds: 3);
}

/// <summary>One measured window of one server process.</summary>
internal sealed record DispatchSample(Scenario Scenario, ServerKind Kind, int Repetition, WindowResult Window, string Load, double[] CoreBusy)
{
    /// <summary>Server CPU time per call (unary) or per response message (streaming), in microseconds.</summary>
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

    public IEnumerable<Scenario> Scenarios => Samples.Select(s => s.Scenario).Concat(Profiles.Keys.Select(k => k.Scenario)).Distinct().Order();

    public IReadOnlyList<DispatchSample> Of(Scenario scenario, ServerKind kind) =>
        Samples.Where(s => s.Scenario == scenario && s.Kind == kind).OrderBy(s => s.Repetition).ToList();
}

/// <summary>
/// The dispatch benchmark: the same .proto served by a hand-written Grpc.AspNetCore service and by
/// <c>RpcServer.AddHandler</c>, each in a fresh process pinned to core 0, driven by a load generator pinned to core 1,
/// alternating (hand-written, ours, hand-written, ours, ...). Each process measures its own CPU time and allocated
/// bytes over a window that starts after a warm-up.
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
                H2Load.WriteFrame(directory.FullName, "hello.bin", Requests.Hello),
                H2Load.WriteFrame(directory.FullName, "hellos.bin", Requests.Hellos(DispatchSettings.StreamMessages)));

            for (var repetition = 1; repetition <= settings.Repetitions; repetition++)
            {
                foreach (var kind in new[] { ServerKind.HandWritten, ServerKind.Ours })
                {
                    await using var server = await StartServerAsync(kind, results, log);
                    await WarmUpAsync(server, settings, frames);
                    foreach (var scenario in settings.Scenarios)
                    {
                        // A window in which other work took a share of the server's core is measured again, twice at most.
                        DispatchSample sample;
                        var attempt = 1;
                        while (true)
                        {
                            await gate.WaitAsync();
                            sample = await MeasureAsync(server.Process, server.Url, kind, scenario, repetition, settings, frames) with { Attempt = attempt };
                            log.WriteLine(
                                $"  rep {repetition} {Name(kind),-12} {Name(scenario),-17} {sample.OpsPerSecond,10:N0} /s  {sample.CpuMicrosecondsPerOp,8:F2} us  {sample.BytesPerOp,8:F0} B  cpu {sample.CpuUtilization:P0}  other on core 0 {sample.OtherWorkOnServerCore:P0}  gc0 {sample.Window.Gen0}");
                            if (sample.OtherWorkOnServerCore <= DispatchSettings.DisturbedThreshold || attempt == DispatchSettings.MaxAttempts)
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
                foreach (var kind in new[] { ServerKind.HandWritten, ServerKind.Ours })
                {
                    await using var server = await StartServerAsync(kind, results, log);
                    await WarmUpAsync(server, settings, frames);
                    foreach (var scenario in settings.Scenarios)
                    {
                        await gate.WaitAsync();
                        results.Profiles[(scenario, kind)] = await ProfileAsync(server.Process, server.Url, scenario, settings, frames);
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

    public static string Name(ServerKind kind) => kind == ServerKind.HandWritten ? "hand-written" : "ours";

    public static string Name(Scenario scenario) => scenario switch
    {
        Scenario.Unary => "unary",
        Scenario.ServerStreaming => "server streaming",
        _ => "bidi ping-pong",
    };

    private static async Task<RunningServer> StartServerAsync(ServerKind kind, DispatchResults results, TextWriter log)
    {
        var process = ChildProcess.StartSelf("server " + Name(kind), DispatchSettings.ServerCore, "server", "--kind", kind == ServerKind.HandWritten ? "handwritten" : "ours");
        try
        {
            var ready = (await process.ReadLineAsync(TimeSpan.FromMinutes(2))).Split(' ');
            if (ready.Length < 4 || ready[0] != "ready")
            {
                throw new InvalidOperationException($"The {Name(kind)} server did not start: {string.Join(' ', ready)}\n{process.Output}");
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

        using var chat = client.Chat();
        await chat.RequestStream.WriteAsync(Requests.Hello);
        Expect(await chat.ResponseStream.MoveNext(CancellationToken.None) && chat.ResponseStream.Current.Message == "world", "Chat did not answer");
        await chat.RequestStream.CompleteAsync();
        Expect(!await chat.ResponseStream.MoveNext(CancellationToken.None), "Chat answered more than once");

        static void Expect(bool condition, string problem)
        {
            if (!condition)
            {
                throw new InvalidOperationException("The server under test misbehaves: " + problem);
            }
        }
    }

    private static ILoad StartLoad(Scenario scenario, string url, double seconds, Frames frames) => scenario switch
    {
        Scenario.Unary => H2Load.Start(url, "/bench.Greeter/SayHello", frames.Hello, DispatchSettings.UnaryConnections, DispatchSettings.UnaryStreamsPerConnection, seconds, DispatchSettings.LoadCore),
        Scenario.ServerStreaming => H2Load.Start(url, "/bench.Greeter/SayHellos", frames.Hellos, DispatchSettings.StreamingConnections, DispatchSettings.StreamingStreamsPerConnection, seconds, DispatchSettings.LoadCore),
        _ => PingPongLoad.Start(url, DispatchSettings.PingPongStreams, seconds, DispatchSettings.LoadCore),
    };

    /// <summary>Runs each RPC kind's load, unmeasured, until the process has compiled its hot paths at full tier.</summary>
    private static async Task WarmUpAsync(RunningServer server, DispatchSettings settings, Frames frames)
    {
        var first = true;
        foreach (var scenario in settings.Scenarios)
        {
            var seconds = first ? settings.ProcessWarmupSeconds : settings.ProcessWarmupSeconds / 3;
            await StartLoad(scenario, server.Url, Math.Ceiling(seconds), frames).CompleteAsync();
            first = false;
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private static async Task<DispatchSample> MeasureAsync(ChildProcess server, string url, ServerKind kind, Scenario scenario, int repetition, DispatchSettings settings, Frames frames)
    {
        var load = StartLoad(scenario, url, Math.Ceiling(settings.WarmupSeconds + settings.WindowSeconds + 2), frames);
        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds));
        Expect(await server.CommandAsync("begin", s_commandTimeout), "ok", server);
        var cores = CoreTimes.Read();
        await Task.Delay(TimeSpan.FromSeconds(settings.WindowSeconds));
        var coreBusy = CoreTimes.Read().BusySince(cores);
        var answer = await server.CommandAsync("end", s_commandTimeout);
        var window = JsonSerializer.Deserialize<WindowResult>(Payload(answer, "window", server))!;
        var loadSummary = await load.CompleteAsync();

        if (window.Responses <= 0 || window.FailedCalls != 0)
        {
            throw new InvalidOperationException($"{Name(kind)} {Name(scenario)}: {window.Responses} responses, {window.FailedCalls} failed calls in the window.");
        }

        // Let the last calls of the load drain before the next scenario starts.
        await Task.Delay(TimeSpan.FromSeconds(1));
        return new DispatchSample(scenario, kind, repetition, window, loadSummary, coreBusy);
    }

    private static async Task<ProfileResult> ProfileAsync(ChildProcess server, string url, Scenario scenario, DispatchSettings settings, Frames frames)
    {
        var load = StartLoad(scenario, url, Math.Ceiling(settings.WarmupSeconds + settings.ProfileSeconds + 2), frames);
        await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds));
        Expect(await server.CommandAsync("profile-begin", s_commandTimeout), "ok", server);
        await Task.Delay(TimeSpan.FromSeconds(settings.ProfileSeconds));
        var answer = await server.CommandAsync("profile-end", s_commandTimeout);
        var profile = JsonSerializer.Deserialize<ProfileResult>(Payload(answer, "profile", server))!;
        await load.CompleteAsync();
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

    private sealed record Frames(string Hello, string Hellos);

    private sealed record RunningServer(ChildProcess Process, string Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
