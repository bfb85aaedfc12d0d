using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GrpcServer.Benchmarks.Reporting;

/// <summary>What the figures were measured on, and how busy the machine was.</summary>
internal sealed record MachineInfo(string Cpu, string Cores, string OS, string Runtime, string Sdk)
{
    public static MachineInfo Collect()
    {
        var lscpu = Run("lscpu", "") ?? "";
        string Field(string name) => lscpu.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == name)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault() ?? "?";

        var os = File.Exists("/etc/os-release")
            ? File.ReadAllLines("/etc/os-release").Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)).Select(l => l["PRETTY_NAME=".Length..].Trim('"')).FirstOrDefault()
            : null;

        return new MachineInfo(
            $"{Field("Model name")} ({Field("Vendor ID")}, family {Field("CPU family")} model {Field("Model")})",
            $"{Field("CPU(s)")} logical CPUs, {Field("Core(s) per socket")} cores per socket, {Field("Thread(s) per core")} thread(s) per core",
            $"{os ?? RuntimeInformation.OSDescription} (kernel {Environment.OSVersion.Version}, {RuntimeInformation.OSArchitecture})",
            RuntimeInformation.FrameworkDescription,
            Run("dotnet", "--version")?.Trim() ?? "?");
    }

    /// <summary>
    /// How busy all cores were over <paramref name="interval"/> (0 to 1), from /proc/stat: unlike the process list,
    /// this sees work of other containers on the same machine too.
    /// </summary>
    public static async Task<double> BusyShareAsync(TimeSpan interval)
    {
        var start = CoreTimes.Read();
        await Task.Delay(interval);
        var shares = CoreTimes.Read().BusySince(start);
        return shares.Length == 0 ? 0 : shares.Average();
    }

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>Other builds and test runs on the machine, which would compete for the two cores.</summary>
    public static IReadOnlyList<string> CompetingBuilds()
    {
        var found = new List<string>();
        if (!Directory.Exists("/proc"))
        {
            return found;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var argv = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                var commandLine = string.Join(' ', argv);
                if (argv.Length > 0 && Path.GetFileName(argv[0]) == "dotnet"
                    && argv.Skip(1).Any(a => a is "build" or "test" or "msbuild" or "pack" or "publish" || a.EndsWith("MSBuild.dll", StringComparison.Ordinal) || a.EndsWith("testhost.dll", StringComparison.Ordinal) || a.EndsWith("VBCSCompiler.dll", StringComparison.Ordinal)))
                {
                    found.Add(commandLine.Length > 120 ? commandLine[..120] + "..." : commandLine);
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    private static string? Run(string program, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

/// <summary>Per-core busy time from /proc/stat, to see how much else ran on the cores during a window.</summary>
internal readonly record struct CoreTimes(long[] Busy, long[] Total)
{
    public static CoreTimes Read()
    {
        var busy = new List<long>();
        var total = new List<long>();
        if (File.Exists("/proc/stat"))
        {
            foreach (var line in File.ReadLines("/proc/stat"))
            {
                // cpuN user nice system idle iowait irq softirq steal ...
                if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.StartsWith("cpu ", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
                var idle = fields[3] + fields[4];
                total.Add(fields.Sum());
                busy.Add(fields.Sum() - idle);
            }
        }

        return new CoreTimes([.. busy], [.. total]);
    }

    /// <summary>The busy share of each core between <paramref name="start"/> and this reading.</summary>
    public double[] BusySince(CoreTimes start)
    {
        var shares = new double[Math.Min(Busy.Length, start.Busy.Length)];
        for (var i = 0; i < shares.Length; i++)
        {
            var total = Total[i] - start.Total[i];
            shares[i] = total > 0 ? (double)(Busy[i] - start.Busy[i]) / total : 0;
        }

        return shares;
    }
}

/// <summary>
/// Holds a measurement back until the machine is quiet (other engineers' builds share its two cores): before each
/// measured window or benchmark it waits until the cores have been nearly idle for a few seconds, while the run's
/// waiting budget lasts; then it measures anyway, and the report says how busy the machine was.
/// </summary>
internal sealed class QuietGate(TimeSpan budget, TextWriter log)
{
    public const double Threshold = 0.10;
    private static readonly TimeSpan s_probe = TimeSpan.FromSeconds(3);

    private TimeSpan _waited;

    /// <summary>How long the run has waited for quiet so far.</summary>
    public TimeSpan Waited => _waited;

    /// <summary>Measurements started although the machine was busy, because the budget was spent.</summary>
    public int StartedBusy { get; private set; }

    /// <summary>Waits until the cores were less than <see cref="Threshold"/> busy over a few seconds; returns the last busy share.</summary>
    public async Task<double> WaitAsync()
    {
        if (budget <= TimeSpan.Zero)
        {
            // No waiting wanted (the smoke test): not even the probe's few seconds.
            return 0;
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var announced = false;
        try
        {
            while (true)
            {
                var busy = await MachineInfo.BusyShareAsync(s_probe);
                if (busy < Threshold)
                {
                    return busy;
                }

                if (_waited + stopwatch.Elapsed >= budget)
                {
                    StartedBusy++;
                    log.WriteLine($"    the machine is {busy:P0} busy and the {budget.TotalMinutes:F0} min waiting budget is spent: measuring anyway");
                    return busy;
                }

                if (!announced)
                {
                    log.WriteLine($"    the machine is {busy:P0} busy (load average {MachineInfo.LoadAverage()}): waiting for it to quiet down");
                    announced = true;
                }
            }
        }
        finally
        {
            _waited += stopwatch.Elapsed;
        }
    }
}
