using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GrpcServer.Deployment.Tests;

/// <summary>
/// A process the test started: its output is kept (time-stamped, for the failure message), a line can be awaited,
/// it can be sent SIGTERM, and disposing it kills it (and its children) if it is still running, so no test leaves
/// a process behind, whatever happens.
/// </summary>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _stamps = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock;

    private ChildProcess(string name, Process process, Stopwatch clock)
    {
        Name = name;
        _process = process;
        _clock = clock;
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Completes with the exit code when the process has exited.</summary>
    public Task<int> Exited => _exited.Task;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, Stopwatch clock, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Nothing of the test host's ASP.NET Core, MSBuild or VSTest settings leaks into the child. The machine's
        // DOTNET_ settings stay, and a dotnet command never creates an ASP.NET Core development certificate in the
        // user's store on its first run: that would change how every later https:// server on the machine starts.
        foreach (var key in startInfo.Environment.Keys.ToList())
        {
            if (key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(key);
            }
        }

        startInfo.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, clock);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, child._outputClosed);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, child._errorClosed);
        process.Exited += (_, _) => child.OnExited();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>How many lines of output there are so far: a mark to wait for a line written after it.</summary>
    public int LineCount
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>
    /// Waits for a line of output, from line <paramref name="from"/> on, that matches; fails when the process exits
    /// first or the time is up.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what, int from = 0)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            for (var i = from; i < _lines.Count; i++)
            {
                if (match(_lines[i]))
                {
                    return _lines[i];
                }
            }

            _waiters.Add((match, seen));
        }

        var done = await Task.WhenAny(seen.Task, _exited.Task, Task.Delay(timeout));
        if (done == seen.Task)
        {
            return await seen.Task;
        }

        throw new InvalidOperationException(done == _exited.Task
            ? $"{Name} exited with {_process.ExitCode} before {what}:{Environment.NewLine}{Output}"
            : $"{Name}: no {what} within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
    }

    /// <summary>Asks the process to stop, as Kubernetes and systemd do.</summary>
    public void Terminate()
    {
        Log("test: SIGTERM");
        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Every line so far, as the process wrote it.</summary>
    public string Text
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Every line so far, each after the seconds since the test's clock started.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines.Select((line, i) => _stamps[i] + " " + line));
            }
        }
    }

    /// <summary>Adds a line of the test's own to this process's time-stamped log, so the order of events reads in one place.</summary>
    public void Log(string line) => OnLine(line, closed: null);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnLine(string? line, TaskCompletionSource? closed)
    {
        if (line is null)
        {
            closed?.TrySetResult();
            return;
        }

        List<TaskCompletionSource<string>>? matched = null;
        lock (_lines)
        {
            _lines.Add(line);
            _stamps.Add(_clock.Elapsed.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture).PadLeft(8));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    (matched ??= []).Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        matched?.ForEach(seen => seen.TrySetResult(line));
    }

    private async void OnExited()
    {
        // Exited can be raised before the last lines of output have been read: Exited completes once both streams
        // have ended, so that what a test reads then is all there is (bounded: a grandchild may hold a pipe open).
        int exitCode;
        try
        {
            exitCode = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            exitCode = -1;      // disposed meanwhile
        }

        await Task.WhenAny(Task.WhenAll(_outputClosed.Task, _errorClosed.Task), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _exited.TrySetResult(exitCode);
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
