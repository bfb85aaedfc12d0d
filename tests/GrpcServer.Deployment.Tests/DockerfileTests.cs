using System.Diagnostics;
using System.Text.Json;

namespace GrpcServer.Deployment.Tests;

/// <summary>
/// samples/Greeter/Dockerfile, which no test can build (no container engine or registry here), read and compared
/// with the project it publishes: the executable the final stage copies and runs is the one `dotnet publish` makes,
/// at the path the build stage publishes it to, so the file cannot rot silently.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string s_dockerfilePath = Repository.PathOf("samples", "Greeter", "Dockerfile");
    private static readonly IReadOnlyList<DockerInstruction> s_instructions = Dockerfile.Parse(File.ReadAllText(s_dockerfilePath));

    [Fact]
    public async Task Final_stage_copies_and_runs_the_executable_the_build_stage_publishes()
    {
        var publish = PublishCommand();
        var project = publish.Words[publish.Words.IndexOf("publish") + 1];
        var output = publish.Words[publish.Words.IndexOf("-o") + 1];
        var properties = await EvaluateAsync(project);
        var executable = $"{output}/{properties["TargetName"]}{properties["_NativeExecutableExtension"]}";

        var copy = Assert.Single(s_instructions, i => i.Stage == "final" && i.Keyword == "COPY");
        Assert.Equal(["--from=build", executable, "/app/Greeter"], copy.Words);
        var entrypoint = Assert.Single(s_instructions, i => i.Keyword == "ENTRYPOINT");
        Assert.Equal(["/app/Greeter"], JsonSerializer.Deserialize<string[]>(entrypoint.Arguments) ?? []);
        Assert.Equal("true", properties["PublishAot"]);
    }

    [Fact]
    public void Build_stage_publishes_the_Greeter_project_with_native_AOT_from_sources_in_the_context()
    {
        var publish = PublishCommand();
        var project = publish.Words[publish.Words.IndexOf("publish") + 1];

        Assert.True(File.Exists(Repository.PathOf(project)), $"{project} is not in the build context (the repository root)");
        Assert.Contains("-p:PublishAot=true", publish.Words);
        Assert.Contains("-p:InvariantGlobalization=true", publish.Words);      // the chiseled base has no ICU
        Assert.Equal("Release", publish.Words[publish.Words.IndexOf("-c") + 1]);

        // Every source the build stage copies exists, and together they are what the project builds from.
        var copied = s_instructions.Where(i => i.Stage == "build" && i.Keyword == "COPY").SelectMany(i => i.Words[..^1]).ToList();
        Assert.All(copied, source => Assert.True(File.Exists(Repository.PathOf(source)) || Directory.Exists(Repository.PathOf(source)), $"COPY {source}: not in the repository"));
        Assert.Contains("runtime/", copied);
        Assert.Contains("generator/", copied);
        Assert.Contains("samples/Greeter/", copied);
    }

    [Fact]
    public void Image_runs_as_a_numeric_non_root_user_on_a_port_from_configuration_without_HEALTHCHECK()
    {
        var from = s_instructions.Where(i => i.Keyword == "FROM").Select(i => i.Words[0]).ToList();
        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}-noble-aot", "mcr.microsoft.com/dotnet/runtime-deps:${DOTNET_VERSION}-noble-chiseled"], from);

        var user = Assert.Single(s_instructions, i => i.Stage == "final" && i.Keyword == "USER");
        Assert.True(int.TryParse(user.Arguments, out var uid) && uid > 0, $"USER {user.Arguments}: Kubernetes' runAsNonRoot needs a number other than 0");

        var port = Assert.Single(s_instructions, i => i.Keyword == "ENV" && i.Arguments.StartsWith("ASPNETCORE_HTTP_PORTS=", StringComparison.Ordinal)).Arguments.Split('=')[1];
        Assert.Equal(port, Assert.Single(s_instructions, i => i.Keyword == "EXPOSE").Arguments);
        Assert.DoesNotContain(s_instructions, i => i.Keyword == "HEALTHCHECK");
    }

    [Fact]
    public void Dockerignore_keeps_build_output_and_tests_out_of_the_context()
    {
        var ignored = File.ReadAllLines(s_dockerfilePath + ".dockerignore").Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".git/", ignored);
        Assert.Contains("tests/", ignored);
        // Nothing the build stage copies is ignored.
        Assert.DoesNotContain(ignored, pattern => pattern is "runtime/" or "generator/" or "eng/" or "samples/");
    }

    /// <summary>The build stage's RUN ... dotnet publish.</summary>
    internal static DockerInstruction PublishCommand() =>
        Assert.Single(s_instructions, i => i.Stage == "build" && i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));

    /// <summary>
    /// The project's properties as a linux-x64 native AOT publish sees them: an MSBuild evaluation, no build,
    /// a second or two.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>> EvaluateAsync(string project)
    {
        await using var msbuild = ChildProcess.Start("dotnet msbuild", DotNet,
            ["msbuild", Repository.PathOf(project), "-nologo", "-p:Configuration=Release", "-p:RuntimeIdentifier=linux-x64", "-p:PublishAot=true",
             "-getProperty:TargetName", "-getProperty:_NativeExecutableExtension", "-getProperty:PublishAot"],
            Stopwatch.StartNew());
        var exitCode = await msbuild.Exited.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, msbuild.Text);
        using var json = JsonDocument.Parse(msbuild.Text);
        return json.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    internal static string DotNet { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

file static class WordsExtensions
{
    public static int IndexOf(this string[] words, string word) => Array.IndexOf(words, word);
}
