using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GrpcServer.Deployment.Tests;

/// <summary>
/// The Dockerfile's own publish command, run for real on this machine: the file the final stage copies is there
/// afterwards, and it is a native executable. Minutes of work and Native AOT's toolchain (clang, zlib1g-dev), so it
/// runs only when GRPCSERVER_AOT_TESTS=1, with the other Native AOT test.
/// </summary>
[Trait("Category", "Aot")]
public sealed class DockerfilePublishTests
{
    [AotFact]
    public async Task The_Dockerfile_publish_command_makes_the_file_the_final_stage_copies()
    {
        var words = DockerfileTests.PublishCommand().Words;
        var work = Directory.CreateTempSubdirectory("grpcserver-dockerfile-").FullName;
        try
        {
            // The RUN line's arguments after "dotnet", as the build stage runs them, with this machine's architecture
            // for ${TARGETARCH} and a temporary directory for the image's /app.
            var output = words[Array.IndexOf(words, "-o") + 1];
            var arguments = words.SkipWhile(w => w != "publish")
                .Select(w => w == output ? Path.Combine(work, "app")
                    : w.StartsWith("${TARGETARCH", StringComparison.Ordinal) ? RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()
                    : w.EndsWith(".csproj", StringComparison.Ordinal) ? Repository.PathOf(w)
                    : w)
                .Concat(["--artifacts-path", Path.Combine(work, "artifacts"), "-nodeReuse:false", "-tl:off"])
                .ToArray();
            await using var publish = ChildProcess.Start("dotnet publish", DockerfileTests.DotNet, arguments, Stopwatch.StartNew());
            var exitCode = await publish.Exited.WaitAsync(TimeSpan.FromMinutes(15));
            Assert.True(exitCode == 0, publish.Text);

            var copy = Assert.Single(Dockerfile.Parse(File.ReadAllText(Repository.PathOf("samples", "Greeter", "Dockerfile"))), i => i.Stage == "final" && i.Keyword == "COPY");
            var copied = copy.Words[1];
            Assert.StartsWith(output + "/", copied, StringComparison.Ordinal);
            var file = Path.Combine(work, "app", copied[(output.Length + 1)..]);
            Assert.True(File.Exists(file), $"no {file} after the publish:{Environment.NewLine}{publish.Text}");
            Assert.False(File.Exists(Path.ChangeExtension(file, ".dll")), "the publish output holds IL: not a native AOT publish");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>A [Fact] that is skipped unless GRPCSERVER_AOT_TESTS=1.</summary>
    private sealed class AotFactAttribute : FactAttribute
    {
        public AotFactAttribute()
        {
            if (Environment.GetEnvironmentVariable("GRPCSERVER_AOT_TESTS") != "1")
            {
                Skip = "native AOT publish takes minutes and needs clang: set GRPCSERVER_AOT_TESTS=1 to run it";
            }
        }
    }
}
