using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Bench;
using Google.Protobuf;

namespace GrpcServer.Benchmarks.Dispatch;

/// <summary>A load that runs for a fixed time against a server and reports how it went.</summary>
internal interface ILoad
{
    /// <summary>Waits for the load to finish; throws when any request failed.</summary>
    Task<string> CompleteAsync();
}

/// <summary>
/// h2load (nghttp2) as the gRPC load generator of the unary and server streaming scenarios: it POSTs a pre-built gRPC
/// frame (5-byte prefix + protobuf bytes) with <c>content-type: application/grpc</c> and <c>te: trailers</c> over h2c,
/// from one thread pinned to the other core.
/// </summary>
internal static partial class H2Load
{
    public const string InstallHint = "h2load is missing: install it with `apt-get update && apt-get install -y nghttp2-client` (Debian/Ubuntu).";

    public static string? Version()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("h2load", "--version")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes requests as gRPC message frames (5-byte prefix + protobuf bytes each) to a file for h2load's <c>-d</c>:
    /// one frame is a unary or server streaming request, several the request stream of a client streaming call.
    /// </summary>
    public static string WriteFrames(string directory, string name, IEnumerable<IMessage> messages)
    {
        using var stream = new MemoryStream();
        Span<byte> prefix = stackalloc byte[5];
        foreach (var message in messages)
        {
            var payload = message.ToByteArray();
            prefix[0] = 0; // not compressed
            BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)payload.Length);
            stream.Write(prefix);
            stream.Write(payload);
        }

        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, stream.ToArray());
        return path;
    }

    public static ILoad Start(string url, string method, string frameFile, int connections, int streamsPerConnection, double seconds, int core)
    {
        var process = ChildProcess.Start(
            "h2load " + method,
            core,
            "h2load",
            "-t", "1",
            "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-m", streamsPerConnection.ToString(CultureInfo.InvariantCulture),
            "-D", seconds.ToString("F0", CultureInfo.InvariantCulture),
            "-d", frameFile,
            "-H", "content-type: application/grpc",
            "-H", "te: trailers",
            url.TrimEnd('/') + method);
        return new Run(process);
    }

    [GeneratedRegex(@"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored")]
    private static partial Regex RequestsLine();

    private sealed class Run(ChildProcess process) : ILoad
    {
        public async Task<string> CompleteAsync()
        {
            await using (process)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                await process.WaitForExitAsync(timeout.Token);
                var output = process.Output;
                var match = RequestsLine().Match(output);
                if (process.ExitCode != 0 || !match.Success)
                {
                    throw new InvalidOperationException($"h2load failed (exit code {process.ExitCode}):\n{output}");
                }

                long Number(int group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
                if (Number(4) == 0 || Number(5) != 0 || Number(6) != 0)
                {
                    throw new InvalidOperationException($"h2load saw failed requests:\n{output}");
                }

                return match.Value;
            }
        }
    }
}

/// <summary>The bidirectional scenario's load: <see cref="PingPongClient"/> in a process of its own.</summary>
internal static class PingPongLoad
{
    public static ILoad Start(string url, int streams, double seconds, int core)
    {
        var process = ChildProcess.StartSelf(
            "ping-pong client",
            core,
            "pingpong",
            "--url", url,
            "--streams", streams.ToString(CultureInfo.InvariantCulture),
            "--seconds", seconds.ToString(CultureInfo.InvariantCulture));
        return new Run(process);
    }

    private sealed class Run(ChildProcess process) : ILoad
    {
        public async Task<string> CompleteAsync()
        {
            await using (process)
            {
                var done = await process.ReadLineAsync(TimeSpan.FromMinutes(5));
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await process.WaitForExitAsync(timeout.Token);
                if (process.ExitCode != 0 || !done.StartsWith("done ", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"The ping-pong client failed (exit code {process.ExitCode}): {done}\n{process.Output}");
                }

                return done;
            }
        }
    }
}

/// <summary>Requests for the frames h2load sends.</summary>
internal static class Requests
{
    public static HelloRequest Hello => new() { Name = "world" };

    public static HellosRequest Hellos(int count) => new() { Name = "world", Count = count };
}
