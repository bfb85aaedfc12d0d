using System.Diagnostics;
using System.Text;

namespace GrpcServer.Packaging.Tests;

/// <summary>What a finished command printed and returned.</summary>
public sealed record CommandResult(string CommandLine, string WorkingDirectory, int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() =>
        $"`{CommandLine}` in {WorkingDirectory} exited with {ExitCode} after {Elapsed.TotalSeconds:0.0} s:{Environment.NewLine}{Output}";
}

/// <summary>
/// Runs the dotnet CLI (or a program it made) as a user would from a shell: none of the test host's MSBuild or
/// VSTest variables, no MSBuild node reuse (no node outlives the test), output in English, bounded in time (the
/// process tree is killed on timeout).
/// </summary>
internal static class DotNetCli
{
    internal static readonly string DotNet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
        ? host
        : "dotnet";

    public static Task<CommandResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProcessAsync(DotNet, workingDirectory, timeout, arguments);

    public static Task<CommandResult> RunProgramAsync(string fileName, string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunProcessAsync(fileName, workingDirectory, timeout, arguments);

    /// <summary>The start information every command here uses: redirected, clean environment.</summary>
    public static ProcessStartInfo CreateStartInfo(string fileName, string workingDirectory, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        startInfo.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        return startInfo;
    }

    private static async Task<CommandResult> RunProcessAsync(string fileName, string workingDirectory, TimeSpan timeout, string[] arguments)
    {
        var startInfo = CreateStartInfo(fileName, workingDirectory, arguments);
        var commandLine = Path.GetFileName(fileName) + " " + string.Join(' ', arguments);
        var output = new StringBuilder();
        var outputClosed = new TaskCompletionSource();
        var errorClosed = new TaskCompletionSource();
        var exited = new TaskCompletionSource();
        using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data, outputClosed);
        process.ErrorDataReceived += (_, e) => Append(e.Data, errorClosed);
        process.Exited += (_, _) => exited.TrySetResult();

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Wait for the process itself, not for the end of its output: a build server it started may hold the pipe.
        if (await Task.WhenAny(exited.Task, Task.Delay(timeout)) != exited.Task)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"`{commandLine}` in {workingDirectory} did not finish in {timeout.TotalSeconds:0} s:{Environment.NewLine}{Snapshot()}");
        }

        await Task.WhenAny(Task.WhenAll(outputClosed.Task, errorClosed.Task), Task.Delay(TimeSpan.FromSeconds(5)));
        return new CommandResult(commandLine, workingDirectory, process.ExitCode, Snapshot(), stopwatch.Elapsed);

        void Append(string? line, TaskCompletionSource closed)
        {
            if (line is null)
            {
                closed.TrySetResult();
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        string Snapshot()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }
}

/// <summary>
/// A program left running while a test talks to it (the dotnet host with a built app), with its output kept line by
/// line. Disposing kills its process tree.
/// </summary>
internal sealed class RunningProgram : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _changed = new(0);
    private int _next;

    private RunningProgram(Process process) => _process = process;

    /// <summary>Everything the program printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join(Environment.NewLine, _lines);
            }
        }
    }

    /// <summary>Starts the dotnet host with <paramref name="arguments"/> (an app's .dll first) in <paramref name="workingDirectory"/>.</summary>
    public static RunningProgram Start(string workingDirectory, params string[] arguments)
    {
        var process = new Process { StartInfo = DotNetCli.CreateStartInfo(DotNetCli.DotNet, workingDirectory, arguments), EnableRaisingEvents = true };
        var program = new RunningProgram(process);
        process.OutputDataReceived += (_, e) => program.Add(e.Data);
        process.ErrorDataReceived += (_, e) => program.Add(e.Data);
        process.Exited += (_, _) => program._changed.Release();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    /// <summary>The next line, after those already returned, that <paramref name="match"/> accepts.</summary>
    /// <exception cref="TimeoutException">No such line came in time, or the program exited first.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var expiry = new CancellationTokenSource(timeout);
        while (true)
        {
            lock (_lines)
            {
                for (; _next < _lines.Count; _next++)
                {
                    if (match(_lines[_next]))
                    {
                        return _lines[_next++];
                    }
                }
            }

            if (_process.HasExited)
            {
                throw new TimeoutException($"The program exited ({_process.ExitCode}) before the line came:{Environment.NewLine}{Output}");
            }

            try
            {
                await _changed.WaitAsync(expiry.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The line did not come in {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        _changed.Release();
    }
}
