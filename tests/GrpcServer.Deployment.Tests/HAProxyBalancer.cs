using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace GrpcServer.Deployment.Tests;

/// <summary>
/// HAProxy running deploy/haproxy/haproxy.cfg as an unprivileged child process of the test, on loopback ports, with its
/// admin socket in a temporary directory: not the system service.
/// </summary>
internal sealed class HAProxyBalancer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;

    private HAProxyBalancer(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>The server names of deploy/haproxy/haproxy.cfg, replica1 to replica3.</summary>
    public static string ServerName(int index) => $"replica{index + 1}";

    /// <summary>The haproxy binary: GRPCSERVER_HAPROXY, else haproxy on PATH or in /usr/sbin; null when there is none.</summary>
    public static string? Executable { get; } = FindExecutable();

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public string Output => _process.Output;

    public static async Task<HAProxyBalancer> StartAsync(int port, IReadOnlyList<int> replicaPorts, Stopwatch clock)
    {
        var directory = Directory.CreateTempSubdirectory("grpcserver-haproxy-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["GRPC_BIND"] = $"127.0.0.1:{port}",
            ["HAPROXY_ADMIN_SOCKET"] = Path.Combine(directory, "admin.sock"),
        };
        for (var i = 0; i < replicaPorts.Count; i++)
        {
            environment[$"REPLICA_{i + 1}"] = $"127.0.0.1:{replicaPorts[i]}";
        }

        // -db: stay in the foreground, log to stdout; the process is the test's child and dies with it.
        var process = ChildProcess.Start("haproxy", Executable!, ["-db", "-f", Repository.PathOf("deploy", "haproxy", "haproxy.cfg")], clock, environment);
        var balancer = new HAProxyBalancer(process, directory, port);
        try
        {
            // Started before the replicas: every server goes DOWN at its first check, so each later UP and DOWN
            // is a logged transition the test can wait for.
            for (var i = 0; i < replicaPorts.Count; i++)
            {
                await balancer.WaitForServerAsync(ServerName(i), "DOWN", 0, TimeSpan.FromSeconds(15));
            }

            return balancer;
        }
        catch
        {
            await balancer.DisposeAsync();
            throw;
        }
    }

    /// <summary>A mark in HAProxy's log: <see cref="WaitForServerAsync"/> waits for a state change logged after it.</summary>
    public int LogMark => _process.LineCount;

    /// <summary>Waits until HAProxy logs that its health checks took the server to this state (UP or DOWN).</summary>
    /// <returns>The log line, which gives the reason.</returns>
    public Task<string> WaitForServerAsync(string server, string state, int from, TimeSpan timeout)
    {
        var line = $"Server replicas/{server} is {state},";
        return _process.WaitForLineAsync(l => l.Contains(line, StringComparison.Ordinal), timeout, $"'{line}'", from);
    }

    /// <summary>The backend's counters from "show stat", by column name (wretr: retries, wredis: redispatches, ...).</summary>
    public async Task<IReadOnlyDictionary<string, string>> BackendCountersAsync()
    {
        var lines = (await CommandAsync("show stat")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var backend = lines.Select(line => line.Split(',')).Single(fields => fields[0] == "replicas" && fields[1] == "BACKEND");
        return header.Zip(backend).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs a command on the admin socket, such as "show stat".</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(_directory, "admin.sock")));
        await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"));
        var answer = new StringBuilder();
        var buffer = new byte[16384];
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    private static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("GRPCSERVER_HAPROXY") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/sbin").Append("/usr/local/sbin");
        return path.Select(directory => Path.Combine(directory, "haproxy")).FirstOrDefault(File.Exists);
    }
}
