using System.Diagnostics;

namespace GrpcServer.Deployment.Tests;

/// <summary>One replica: tests/GrpcServer.Deployment.Replica run by the dotnet host as a process of its own.</summary>
internal sealed class ReplicaProcess : IAsyncDisposable
{
    private ReplicaProcess(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public ChildProcess Process { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Starts the replica and waits until it serves (its "Serving ... RPC handler(s)" log line).</summary>
    public static async Task<ReplicaProcess> StartAsync(string name, int port, Stopwatch clock, IEnumerable<string> options)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "GrpcServer.Deployment.Replica.dll");
        var process = ChildProcess.Start(name, DotNetHost, [dll, "--urls", $"http://127.0.0.1:{port}", "--name", name, .. options], clock);
        var replica = new ReplicaProcess(process, port);
        try
        {
            await process.WaitForLineAsync(line => line.Contains("RPC handler(s) on", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "serving");
            return replica;
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static string DotNetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
