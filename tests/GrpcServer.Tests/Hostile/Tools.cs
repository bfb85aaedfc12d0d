using System.Diagnostics;
using System.Text;

namespace GrpcServer.Tests.Hostile;

/// <summary>Runs the command-line tools of the hostile-input tests (h2load), bounded in time.</summary>
internal static class Tools
{
    /// <summary>h2load (Debian nghttp2-client), or <see langword="null"/>.</summary>
    public static string? H2Load => new[] { "/usr/bin/h2load", "/usr/local/bin/h2load" }.FirstOrDefault(File.Exists);

    /// <summary>Runs a program to its end and returns its exit code and its output and error text together.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + program);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in {timeout}");
        }

        return (process.ExitCode, new StringBuilder(await output).Append(await errors).ToString());
    }
}

/// <summary>A [Fact] that needs h2load: skipped, saying what to install, when it is missing.</summary>
internal sealed class H2LoadFactAttribute : FactAttribute
{
    public H2LoadFactAttribute()
    {
        if (Tools.H2Load is null)
        {
            Skip = "h2load is not installed (apt-get install nghttp2-client): the flood of calls is not sent";
        }
    }
}
