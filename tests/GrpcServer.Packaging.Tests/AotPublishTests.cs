using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace GrpcServer.Packaging.Tests;

/// <summary>
/// Native AOT: the Greeter sample publishes with PublishAot without a single trim or AOT warning, and the native
/// binary serves a real call from its own client mode. Minutes of work and a native toolchain (clang, zlib1g-dev),
/// so it runs only when GRPCSERVER_AOT_TESTS=1.
/// </summary>
[Trait("Category", "Aot")]
public sealed partial class AotPublishTests
{
    private const string OptIn = "GRPCSERVER_AOT_TESTS";

    [AotFact]
    public async Task Greeter_publishes_with_native_AOT_without_warnings_and_serves_a_call()
    {
        var repoRoot = Path.GetFullPath(typeof(AotPublishTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepoRoot").Value!);
        var work = Path.Combine(Path.GetTempPath(), "grpcserver-aot-" + Guid.NewGuid().ToString("N"));
        var publishDirectory = Path.Combine(work, "publish");
        try
        {
            var publish = await DotNetCli.RunAsync(repoRoot, TimeSpan.FromMinutes(15),
                "publish", Path.Combine(repoRoot, "samples", "Greeter", "Greeter.csproj"),
                "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true",
                "-o", publishDirectory, "--artifacts-path", Path.Combine(work, "artifacts"), "-nodeReuse:false", "-tl:off");
            Assert.True(publish.Succeeded, publish.ToString());
            Assert.DoesNotMatch(@"(?im):\s*warning\s+[A-Z]+\d+", publish.Output);
            Assert.Contains("Generating native code", publish.Output, StringComparison.Ordinal);

            var binary = Path.Combine(publishDirectory, OperatingSystem.IsWindows() ? "Greeter.exe" : "Greeter");
            Assert.True(File.Exists(binary), $"no native binary at {binary}: {publish}");
            Assert.False(File.Exists(Path.Combine(publishDirectory, "Greeter.dll")), "the publish output holds IL: not a native AOT publish");

            await using var server = await NativeServer.StartAsync(binary, publishDirectory);
            var hello = await DotNetCli.RunProgramAsync(binary, publishDirectory, TimeSpan.FromSeconds(30), "client", "AOT", server.Url);
            Assert.True(hello.Succeeded, hello.ToString());
            Assert.Equal("Hello AOT", hello.Output.Trim());

            var invalid = await DotNetCli.RunProgramAsync(binary, publishDirectory, TimeSpan.FromSeconds(30), "client", "", server.Url);
            Assert.Equal(1, invalid.ExitCode);
            Assert.Equal("InvalidArgument: name is required", invalid.Output.Trim());
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>A [Fact] that is skipped unless GRPCSERVER_AOT_TESTS=1.</summary>
    private sealed class AotFactAttribute : FactAttribute
    {
        public AotFactAttribute()
        {
            if (Environment.GetEnvironmentVariable(OptIn) != "1")
            {
                Skip = $"native AOT publish takes minutes and needs clang: set {OptIn}=1 to run it";
            }
        }
    }

    /// <summary>The published Greeter serving on a free loopback port until disposed.</summary>
    private sealed partial class NativeServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output;

        private NativeServer(Process process, StringBuilder output, string url)
        {
            _process = process;
            _output = output;
            Url = url;
        }

        public string Url { get; }

        public static async Task<NativeServer> StartAsync(string binary, string workingDirectory)
        {
            var output = new StringBuilder();
            var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = new Process { StartInfo = DotNetCli.CreateStartInfo(binary, workingDirectory, ["--urls", "http://127.0.0.1:0"]) };
            DataReceivedEventHandler onLine = (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (output)
                {
                    output.AppendLine(e.Data);
                }

                if (ListeningLine().Match(e.Data) is { Success: true } match)
                {
                    listening.TrySetResult(match.Groups["url"].Value);
                }
            };
            process.OutputDataReceived += onLine;
            process.ErrorDataReceived += onLine;
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var started = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
            if (started != listening.Task)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                lock (output)
                {
                    throw new InvalidOperationException($"{binary} did not start listening:{Environment.NewLine}{output}");
                }
            }

            return new NativeServer(process, output, await listening.Task);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        public override string ToString()
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }

        [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
        private static partial Regex ListeningLine();
    }
}
