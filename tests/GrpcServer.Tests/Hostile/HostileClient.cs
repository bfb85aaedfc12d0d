using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrpcServer.Tests.Hostile;

/// <summary>
/// Sends raw HTTP/2 to a server with <c>h2_hostile.py</c> (Python's h2 package, Debian python3-h2): what no gRPC client
/// sends, such as broken message frames, unparsable bytes, bad headers, other HTTP methods, many streams or connections.
/// Tests that use it are <see cref="HostileFactAttribute"/>s, skipped with a message when the tool is missing.
/// </summary>
internal static class HostileClient
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string?> s_missing = new(FindMissingTool);

    /// <summary>The Python interpreter that has h2: <c>GRPCSERVER_PYTHON</c>, else <c>/usr/bin/python3</c> (the
    /// <c>python3</c> a pyenv puts first on PATH usually lacks h2).</summary>
    public static string Python => Environment.GetEnvironmentVariable("GRPCSERVER_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    /// <summary>Why the hostile client cannot run here, or <see langword="null"/> when it can.</summary>
    public static string? Missing => s_missing.Value;

    /// <summary>A gRPC message frame: the compressed flag, the 4-byte big-endian length (the payload's unless given), the payload.</summary>
    public static string Frame(byte[] payload, byte flag = 0, uint? length = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), length ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return Convert.ToHexString(frame);
    }

    /// <summary>Sends the requests, each on a connection of its own unless it says otherwise, and returns what came back.</summary>
    public static async Task<H2Response[]> SendAsync(string url, params H2Request[] requests)
    {
        var uri = new Uri(url);
        var script = JsonSerializer.Serialize(new { requests, timeout = s_timeout.TotalSeconds / 2 }, s_json);
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hostile", "h2_hostile.py"));
        start.ArgumentList.Add(uri.Host);
        start.ArgumentList.Add(uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Python);
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"h2_hostile.py did not finish in {s_timeout}: {await errors}");
        }

        Assert.True(process.ExitCode == 0, $"h2_hostile.py failed ({process.ExitCode}): {await errors}");
        var result = JsonSerializer.Deserialize<H2Result>(await output, s_json) ?? throw new InvalidOperationException("no result");
        return result.Requests;
    }

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static string? FindMissingTool()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import h2.connection"])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return $"{Python} could not be started";
            }

            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                return $"{Python} did not start in 30 s";
            }

            return process.ExitCode == 0
                ? null
                : $"{Python} has no h2 module (apt-get install python3-h2, or set GRPCSERVER_PYTHON to a Python that has it)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"{Python} is not installed (apt-get install python3 python3-h2, or set GRPCSERVER_PYTHON)";
        }
    }

    private sealed record H2Result(H2Response[] Requests);
}

/// <summary>
/// One HTTP/2 request of <see cref="HostileClient"/>. <see cref="Headers"/> null: a gRPC call's headers
/// (content-type application/grpc, te trailers). <see cref="End"/>: "stream" (END_STREAM after the data), "reset"
/// (RST_STREAM CANCEL after it) or "open". <see cref="Connection"/> "previous": on the previous request's connection.
/// </summary>
internal sealed record H2Request(
    string Path,
    string[]? Data = null,
    string Method = "POST",
    string[][]? Headers = null,
    string End = "stream",
    bool Wait = true,
    string? Connection = null)
{
    /// <summary>A gRPC call's headers plus these.</summary>
    public static string[][] GrpcHeaders(params (string Name, string Value)[] extra) =>
        [["content-type", "application/grpc"], ["te", "trailers"], .. extra.Select(h => new[] { h.Name, h.Value })];
}

/// <summary>What came back for one <see cref="H2Request"/>.</summary>
internal sealed record H2Response(
    int? Status,
    Dictionary<string, string> Headers,
    Dictionary<string, string> Trailers,
    string Data,
    int? Reset,
    int? Goaway,
    bool Closed)
{
    /// <summary>The grpc-status: from the trailers, or from the headers of a trailers-only response.</summary>
    public Grpc.Core.StatusCode? GrpcStatus =>
        (Trailers.TryGetValue("grpc-status", out var status) || Headers.TryGetValue("grpc-status", out status))
            ? (Grpc.Core.StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>The grpc-message, percent-decoded.</summary>
    public string? GrpcMessage =>
        (Trailers.TryGetValue("grpc-message", out var message) || Headers.TryGetValue("grpc-message", out message))
            ? Uri.UnescapeDataString(message)
            : null;

    public override string ToString() =>
        $"HTTP {Status}, grpc-status {GrpcStatus} '{GrpcMessage}', reset {Reset}, goaway {Goaway}, closed {Closed}, data {Data.Length / 2} bytes";
}

/// <summary>A [Fact] that needs <see cref="HostileClient"/>: skipped, saying what to install, when the tool is missing.</summary>
internal sealed class HostileFactAttribute : FactAttribute
{
    public HostileFactAttribute()
    {
        if (HostileClient.Missing is { } missing)
        {
            Skip = missing;
        }
    }
}
