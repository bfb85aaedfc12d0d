using System.Diagnostics;
using System.Threading.Channels;

namespace GrpcServer.Benchmarks.Dispatch;

/// <summary>
/// A process the orchestrator starts pinned to one core (<c>taskset -c CORE</c>): a server of the dispatch benchmark,
/// a load generator. Its protocol lines (see <see cref="ServerMain.Prefix"/>) are read one by one; its other output
/// is kept for error messages.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int MaxKeptLines = 400;

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _output = [];
    private readonly Task _readers;

    private ChildProcess(Process process)
    {
        _process = process;
        _readers = Task.WhenAll(ReadAsync(process.StandardOutput, protocol: true), ReadAsync(process.StandardError, protocol: false));
    }

    public string Name { get; private init; } = "";

    /// <summary>Starts this benchmark program itself with <paramref name="arguments"/>, pinned to <paramref name="core"/>.</summary>
    public static ChildProcess StartSelf(string name, int core, params string[] arguments)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown.");
        var self = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new[] { host, typeof(ChildProcess).Assembly.Location }
            : new[] { host };
        return Start(name, core, [.. self, .. arguments]);
    }

    /// <summary>Starts <paramref name="command"/> (a program and its arguments) pinned to <paramref name="core"/>.</summary>
    public static ChildProcess Start(string name, int core, params string[] command)
    {
        var info = new ProcessStartInfo("taskset")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(core.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in command)
        {
            info.ArgumentList.Add(argument);
        }

        // The same runtime settings for every server process, whatever the caller's environment says.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "1";
        info.Environment.Remove("ASPNETCORE_URLS");

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
        return new ChildProcess(process) { Name = name };
    }

    /// <summary>Everything the process printed that was not a protocol line.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join("\n", _output.TakeLast(40));
            }
        }
    }

    /// <summary>Waits for the process to exit and for all its output to be read.</summary>
    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await _readers.WaitAsync(cancellationToken);
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Sends a command and returns the next protocol line.</summary>
    public async Task<string> CommandAsync(string command, TimeSpan timeout)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await ReadLineAsync(timeout);
    }

    /// <summary>The next protocol line, without its prefix.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(cancellation.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"{Name} gave no answer (exited: {_process.HasExited}). Its output:\n{Output}", exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        await _readers;
        _process.Dispose();
    }

    private async Task ReadAsync(StreamReader reader, bool protocol)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (protocol && line.StartsWith(ServerMain.Prefix, StringComparison.Ordinal))
            {
                _lines.Writer.TryWrite(line[ServerMain.Prefix.Length..]);
            }
            else
            {
                lock (_output)
                {
                    // Only the tail is kept for error messages: a server logging every failed call writes a lot.
                    if (_output.Count >= MaxKeptLines)
                    {
                        _output.RemoveRange(0, MaxKeptLines / 2);
                    }

                    _output.Add(line);
                }
            }
        }

        if (protocol)
        {
            _lines.Writer.TryComplete();
        }
    }
}
