using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Deployment.V1;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace GrpcServer.Deployment.Tests;

/// <summary>
/// Three replica processes behind HAProxy (deploy/haproxy/haproxy.cfg), under steady load from a real gRPC client,
/// restarted one after the other with SIGTERM, as a rolling update does: no call may fail, and each replica must say
/// NOT_SERVING while it still accepts connections, so the balancer takes it out before it closes.
/// </summary>
[Trait("Category", "LoadBalancer")]
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Replicas = 3;
    private const int Workers = 32;

    /// <summary>
    /// Each replica's RpcServerOptions.DrainDelay: HAProxy checks every 100 ms and gives a check 300 ms, so it sees
    /// NOT_SERVING within about half a second; four times that leaves margin on a busy machine.
    /// </summary>
    private const int DrainDelayMs = 2000;

    /// <summary>
    /// The test as a whole: a hang guard, so a hang fails it instead of the CI run. Each step has its own bound; this
    /// one leaves room for six cold replica starts on a loaded 2-core machine (seen: 12 s each), where the test takes
    /// about 30 s when idle.
    /// </summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(180);

    [LoadBalancerFact]
    public async Task Rolling_restart_behind_HAProxy_loses_no_call()
    {
        var clock = Stopwatch.StartNew();
        using var budget = new CancellationTokenSource(Budget);
        var ports = FreePorts.Take(Replicas + 1);
        var replicaPorts = ports[1..];
        var replicas = new ReplicaProcess?[Replicas];
        var retired = new List<ReplicaProcess>();
        var report = new StringBuilder();
        HAProxyBalancer? balancer = null;
        try
        {
            // Starts are bounded by their own timeouts, not the budget: a start cut short would leave its process unowned.
            balancer = await HAProxyBalancer.StartAsync(ports[0], replicaPorts, clock);
            for (var i = 0; i < Replicas; i++)
            {
                var mark = balancer.LogMark;
                replicas[i] = await StartReplicaAsync(i, replicaPorts[i], clock);
                await balancer.WaitForServerAsync(HAProxyBalancer.ServerName(i), "UP", mark, TimeSpan.FromSeconds(10)).WaitAsync(budget.Token);
            }

            using var channel = GrpcChannel.ForAddress(balancer.Url, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
            });
            var load = new LoadGenerator(new Replica.ReplicaClient(channel), clock);
            using var stopLoad = new CancellationTokenSource();
            var loadStarted = clock.Elapsed;
            var running = load.RunAsync(Workers, stopLoad.Token);
            try
            {
                // Steady state first: the load reaches every replica before the first one is restarted.
                await load.WaitForCompletedAsync(2000).WaitAsync(budget.Token);
                var restartsStarted = clock.Elapsed;
                for (var i = 0; i < Replicas; i++)
                {
                    var old = replicas[i]!;
                    var name = HAProxyBalancer.ServerName(i);
                    var mark = balancer.LogMark;
                    await using var health = await HealthObserver.StartAsync(old.Url, clock).WaitAsync(budget.Token);

                    var terminated = clock.Elapsed;
                    old.Process.Terminate();
                    var notServing = await health.NotServing.WaitAsync(budget.Token);
                    old.Process.Log($"test: Watch said NOT_SERVING");

                    // The listener still accepts after NOT_SERVING: a new connection gets an answer, and it is NOT_SERVING.
                    var answer = await HealthObserver.CheckOnNewConnectionAsync(old.Url).WaitAsync(budget.Token);
                    var answered = clock.Elapsed;
                    old.Process.Log($"test: a Check on a new connection answered {answer}");

                    var downLine = await balancer.WaitForServerAsync(name, "DOWN", mark, TimeSpan.FromSeconds(10)).WaitAsync(budget.Token);
                    var down = clock.Elapsed;
                    var exitCode = await old.Process.Exited.WaitAsync(TimeSpan.FromSeconds(30), budget.Token);
                    var exited = clock.Elapsed;
                    retired.Add(old);
                    replicas[i] = null;

                    Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, answer);

                    // HAProxy took the replica out because its health check stopped saying SERVING ("Layer7"), not
                    // because a connection was refused ("Layer4"): the listener was still open.
                    Assert.Contains("reason: Layer7", downLine, StringComparison.Ordinal);
                    Assert.True(exitCode == 0, $"{name} exited with {exitCode}:{Environment.NewLine}{old.Process.Output}");
                    Assert.True(notServing < answered && answered < exited && down < exited,
                        $"{name}: NOT_SERVING at {notServing}, answered a new connection at {answered}, DOWN in haproxy at {down}, exited at {exited}");

                    mark = balancer.LogMark;
                    replicas[i] = await StartReplicaAsync(i, replicaPorts[i], clock);
                    await balancer.WaitForServerAsync(name, "UP", mark, TimeSpan.FromSeconds(10)).WaitAsync(budget.Token);
                    var up = clock.Elapsed;
                    report.AppendLine(CultureInfo.InvariantCulture,
                        $"{name}: SIGTERM at {Seconds(terminated)}, NOT_SERVING (Watch) at {Seconds(notServing)}, a new connection answered NOT_SERVING at {Seconds(answered)}, " +
                        $"haproxy DOWN at {Seconds(down)}, exited (code {exitCode}) at {Seconds(exited)}, restarted and haproxy UP at {Seconds(up)}");

                    // The restarted replica takes calls again before the next one goes.
                    await load.WaitForCompletedAsync(load.Completed + 500).WaitAsync(budget.Token);
                }

                var restartsEnded = clock.Elapsed;
                await stopLoad.CancelAsync();
                await running.WaitAsync(TimeSpan.FromSeconds(15), budget.Token);
                var loadEnded = clock.Elapsed;

                var seconds = (loadEnded - loadStarted).TotalSeconds;
                report.Insert(0, string.Create(CultureInfo.InvariantCulture,
                    $"{load.Completed} calls in {seconds:0.0} s ({load.Completed / seconds:0} per second, {Workers} workers), {load.Failed} failed; " +
                    $"{Replicas} restarts in {(restartsEnded - restartsStarted).TotalSeconds:0.0} s{Environment.NewLine}" +
                    $"by status: {string.Join(", ", load.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}{Environment.NewLine}" +
                    $"by replica: {string.Join(", ", load.ByReplica.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}{Environment.NewLine}"));

                // No call was sent to a replica that had closed its port: HAProxy never had to retry or redispatch one.
                var stat = await balancer.BackendCountersAsync();
                report.AppendLine(CultureInfo.InvariantCulture, $"haproxy: {stat["wretr"]} retries, {stat["wredis"]} redispatches, {stat["econ"]} connection errors, {stat["eresp"]} response errors");
                output.WriteLine(report.ToString());
                Assert.Equal(("0", "0", "0", "0"), (stat["wretr"], stat["wredis"], stat["econ"], stat["eresp"]));

                Assert.True(load.Failed == 0, $"{load.Failed} calls failed:{Environment.NewLine}{string.Join(Environment.NewLine, load.Failures.Take(50))}");
                Assert.All(Enumerable.Range(1, Replicas), r => Assert.True(load.ByReplica.GetValueOrDefault($"replica{r}") > 0, $"replica{r} answered no call"));
            }
            finally
            {
                await stopLoad.CancelAsync();
                await running.WaitAsync(TimeSpan.FromSeconds(15), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        catch (Exception) when (balancer is not null)
        {
            // Everything each process said, time-stamped on the test's clock, to find the cause of a failure.
            output.WriteLine(report.ToString());
            output.WriteLine($"--- haproxy show stat{Environment.NewLine}{await balancer.CommandAsync("show stat")}");
            output.WriteLine($"--- haproxy{Environment.NewLine}{balancer.Output}");
            foreach (var replica in retired.Concat(replicas.OfType<ReplicaProcess>()))
            {
                output.WriteLine($"--- {replica.Process.Name} (pid {replica.Process.Id}){Environment.NewLine}{replica.Process.Output}");
            }

            throw;
        }
        finally
        {
            foreach (var replica in retired.Concat(replicas.OfType<ReplicaProcess>()))
            {
                await replica.DisposeAsync();
            }

            if (balancer is not null)
            {
                await balancer.DisposeAsync();
            }
        }
    }

    private static Task<ReplicaProcess> StartReplicaAsync(int index, int port, Stopwatch clock) =>
        ReplicaProcess.StartAsync(HAProxyBalancer.ServerName(index), port, clock, ["--drain-delay-ms", DrainDelayMs.ToString(CultureInfo.InvariantCulture)]);

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.000 s", CultureInfo.InvariantCulture);
}

/// <summary>A [Fact] that is skipped, saying why, when haproxy is not installed.</summary>
public sealed class LoadBalancerFactAttribute : FactAttribute
{
    public LoadBalancerFactAttribute()
    {
        if (HAProxyBalancer.Executable is null)
        {
            Skip = "haproxy is not installed (apt-get install haproxy, or set GRPCSERVER_HAPROXY to its path): the rolling restart behind a load balancer is not tested";
        }
    }
}
