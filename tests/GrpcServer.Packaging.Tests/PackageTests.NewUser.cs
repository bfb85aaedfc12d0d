using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace GrpcServer.Packaging.Tests;

/// <summary>
/// A new user's first hour, from the package (issue 11): README's snippets work as written in new projects; the
/// common mistakes with a new calc.v1.Calculator service, in code and in the project file, are GrpcServer errors at
/// the argument that is wrong, saying what to change; a local pack never collides with an earlier one.
/// </summary>
public sealed partial class PackageTests
{
    [Fact]
    public void Readme_first_snippet_compiles_pasted_into_a_new_console_project()
    {
        Assert.NotNull(consumer.ReadmeConsoleBuild);
        Assert.True(consumer.ReadmeConsoleBuild.Succeeded, consumer.ReadmeConsoleBuild.ToString());
        Assert.DoesNotMatch(WarningLine(), consumer.ReadmeConsoleBuild.Output);

        // Its using lines are shown: the snippet is the whole Program.cs.
        var snippet = PackagedConsumer.ReadmeCodeBlock(consumer.Readme, "csharp", after: null);
        Assert.StartsWith("using GrpcServer;", snippet, StringComparison.Ordinal);
        Assert.Contains("server.HandleRpc();", snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_hosting_example_serves_a_grpc_call_and_its_page_as_written()
    {
        Assert.NotNull(consumer.ReadmeWebBuild);
        Assert.True(consumer.ReadmeWebBuild.Succeeded, consumer.ReadmeWebBuild.ToString());
        Assert.DoesNotMatch(WarningLine(), consumer.ReadmeWebBuild.Output);
        var run = consumer.ReadmeWebRun;
        Assert.NotNull(run);

        Assert.True(run.Urls.Count == 2, run.Output);
        Assert.True(run.GrpcReply == "Hello README", run.Output);
        Assert.True(run.Page == "Hello from the app", run.Output);
        Assert.Contains("gRPC clients can call the handlers on ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("The gRPC handlers cannot be called", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_mistake_of_a_new_calculator_user_is_a_GrpcServer_error_at_the_argument_with_what_to_change()
    {
        var build = consumer.MistakesBuild;
        Assert.NotNull(build);
        Assert.False(build.Succeeded, build.ToString());
        var program = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "NewUser", "Mistakes.cs"));
        var diagnostics = Diagnostics(build.Output);

        var expected = new List<(int Line, int Column, string Id)>();
        for (var i = 0; i < program.Length; i++)
        {
            var expectation = Regex.Match(program[i], @"// (?<id>GRPCSRV\d{3}) at ""(?<at>(?:[^""\\]|\\.)+)"": (?<words>.+)$");
            if (!expectation.Success)
            {
                continue;
            }

            var at = Regex.Unescape(expectation.Groups["at"].Value);
            var (line, column, id) = (i + 1, program[i].IndexOf(at, StringComparison.Ordinal) + 1, expectation.Groups["id"].Value);
            expected.Add((line, column, id));
            var found = diagnostics.Where(d => d.File.EndsWith("Program.cs", StringComparison.Ordinal) && d.Line == line && d.Id == id).ToList();
            var diagnostic = Assert.Single(found);
            Assert.True(diagnostic.Column == column, $"{id} on line {line} at column {diagnostic.Column}, expected {column} ('{at}'): {diagnostic.Message}");
            foreach (var words in expectation.Groups["words"].Value.Split(" | "))
            {
                Assert.Contains(words, diagnostic.Message, StringComparison.Ordinal);
            }
        }

        // Nothing else from GrpcServer; from the compiler, only CS1501 beside GRPCSRV107 (a lambda without types binds
        // to no overload), and nothing at all in generated code.
        Assert.Equal(9, expected.Count);
        Assert.Equal(
            expected.Order(),
            diagnostics.Where(d => d.Id.StartsWith("GRPCSRV", StringComparison.Ordinal)).Select(d => (d.Line, d.Column, d.Id)).Order());
        var lambdaLine = expected.Single(e => e.Id == "GRPCSRV107").Line;
        Assert.All(diagnostics.Where(d => !d.Id.StartsWith("GRPCSRV", StringComparison.Ordinal)), d => Assert.Equal(("CS1501", lambdaLine), (d.Id, d.Line)));
    }

    [Fact]
    public void Without_grpc_tools_the_build_has_one_GrpcServer_error_saying_to_add_it_and_none_in_generated_code()
    {
        var build = consumer.NoGrpcToolsBuild;
        Assert.NotNull(build);
        Assert.False(build.Succeeded, build.ToString());
        var diagnostics = Diagnostics(build.Output);

        var error = Assert.Single(diagnostics, d => d.Id.StartsWith("GRPCSRV", StringComparison.Ordinal));
        Assert.Equal("GRPCSRV201", error.Id);
        Assert.Equal(
            "The C# message classes of calculator.proto were not found (Calc.V1.CalculatorReflection, Calc.V1.ComputeRequest and 3 more classes missing), so their services are not generated. "
            + $"Grpc.Tools generates them from the project's Protobuf items, and the project does not reference it: add <PackageReference Include=\"Grpc.Tools\" Version=\"{consumer.CentralVersions["Grpc.Tools"]}\" PrivateAssets=\"all\" /> to the project file.",
            error.Message);

        // The rest are the compiler's, at the program's own uses of the missing classes: no CS0234 in generated files.
        Assert.All(diagnostics.Where(d => d != error), d => Assert.Equal(("CS0246", "Program.cs"), (d.Id, Path.GetFileName(d.File))));
    }

    [Fact]
    public void Without_the_protobuf_item_the_build_says_to_list_the_protos_at_the_AddHandler_call()
    {
        var build = consumer.NoProtobufItemBuild;
        Assert.NotNull(build);
        Assert.False(build.Succeeded, build.ToString());
        var diagnostics = Diagnostics(build.Output);
        var program = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "NewUser", "NoMessageClasses.cs"));
        var line = Array.FindIndex(program, l => l.Contains("AddHandler", StringComparison.Ordinal)) + 1;

        var error = Assert.Single(diagnostics, d => d.Id.StartsWith("GRPCSRV", StringComparison.Ordinal));
        Assert.Equal(("GRPCSRV202", line, program[line - 1].IndexOf("\"Calculator\"", StringComparison.Ordinal) + 1), (error.Id, error.Line, error.Column));
        Assert.Equal(
            "No .proto file of this project declares a service, so AddHandler has no RPC to add this handler to. "
            + "The GrpcServer generator reads the project's Protobuf items: list the .proto files in the project file, such as <Protobuf Include=\"Protos/**/*.proto\" ProtoRoot=\"Protos\" GrpcServices=\"None\" />.",
            error.Message);
        Assert.All(diagnostics.Where(d => d != error), d => Assert.Equal("CS0246", d.Id));
    }

    [Fact]
    public void Consumer_serves_by_full_service_name_and_its_log_lists_the_rpc_without_handler_and_the_stop()
    {
        Assert.NotNull(consumer.Run);
        Assert.True(consumer.Run.Succeeded, consumer.Run.ToString());

        // Program.cs adds SayHellos by "demo.Greeter"; the streamed lines of Consumer_serves_unary_and_streaming_calls_and_exits come from it.
        Assert.Contains("server.AddHandler(\"demo.Greeter\", \"SayHellos\"", File.ReadAllText(Path.Combine(consumer.ConsumerDirectory, "Program.cs")), StringComparison.Ordinal);
        Assert.Contains("stream: 3 Hello stream", consumer.Run.Output, StringComparison.Ordinal);
        Assert.Contains("1 RPC(s) of the served services have no handler, so their calls get UNIMPLEMENTED: /demo.Greeter/SayGoodbye.", consumer.Run.Output, StringComparison.Ordinal);
        Assert.Contains("Stopped. Calls in flight: 0 when the stop began, 0 when it ended.", consumer.Run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_packs_get_a_version_of_their_own_and_a_release_pack_the_clean_version()
    {
        Assert.True(consumer.Pack?.Succeeded, consumer.Pack?.ToString());
        var feed = Path.Combine(consumer.WorkDirectory, "version-feed");
        var releaseVersion = XDocument.Load(Path.Combine(consumer.RepoRoot, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

        // Packed again from the fixture's build, as `dotnet pack` is run by hand: without a version, then as a release.
        var first = await PackAsync();
        var second = await PackAsync();
        var release = await PackAsync("-p:PublicRelease=true");

        Assert.Matches($@"^{Regex.Escape(releaseVersion)}-local\.\d{{8}}T\d{{9}}$", first);
        Assert.Matches($@"^{Regex.Escape(releaseVersion)}-local\.\d{{8}}T\d{{9}}$", second);
        Assert.True(string.CompareOrdinal(first, second) < 0, $"{first} is not before {second}");
        Assert.Equal(releaseVersion, release);
        Assert.Equal(
            new[] { first, second, release }.Select(v => $"GrpcServer.{v}.nupkg").Order(StringComparer.Ordinal),
            Directory.GetFiles(feed).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        async Task<string> PackAsync(params string[] properties)
        {
            var result = await DotNetCli.RunAsync(consumer.RepoRoot, TimeSpan.FromMinutes(10),
            [
                "pack", Path.Combine(consumer.RepoRoot, "runtime", "GrpcServer", "GrpcServer.csproj"), "--no-build", "-c", "Release",
                "-o", feed, "--artifacts-path", Path.Combine(consumer.WorkDirectory, "artifacts"), "-nodeReuse:false", "-tl:off", .. properties,
            ]);
            Assert.True(result.Succeeded, result.ToString());
            Assert.DoesNotMatch(WarningLine(), result.Output);
            return Regex.Match(result.Output, @"Successfully created package '[^']*GrpcServer\.(?<version>[^']+)\.nupkg'").Groups["version"].Value;
        }
    }

    [Fact]
    public void Readme_install_section_names_the_grpc_tools_version_the_package_is_built_with()
    {
        var itemGroup = PackagedConsumer.ReadmeCodeBlock(consumer.Readme, "xml", after: "## Install from NuGet");

        Assert.Contains($"<PackageReference Include=\"Grpc.Tools\" Version=\"{consumer.CentralVersions["Grpc.Tools"]}\" PrivateAssets=\"all\" />", itemGroup, StringComparison.Ordinal);
    }

    /// <summary>The diagnostics of a build's output, once each (MSBuild repeats them in its summary).</summary>
    private static IReadOnlyList<BuildDiagnostic> Diagnostics(string output) =>
        [.. BuildDiagnosticLine().Matches(output)
            .Select(m => new BuildDiagnostic(
                m.Groups["file"].Value.Trim(),
                m.Groups["line"].Success ? int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
                m.Groups["column"].Success ? int.Parse(m.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
                m.Groups["id"].Value,
                m.Groups["message"].Value))
            .Distinct()];

    [GeneratedRegex(@"^\s*(?<file>[^\r\n]*?)(?:\((?<line>\d+),(?<column>\d+)\))?\s*: (?:error|warning) (?<id>[A-Z]+\d+): (?<message>[^\r\n]*?)(?: \[[^\]\r\n]*\])?\r?$", RegexOptions.Multiline)]
    private static partial Regex BuildDiagnosticLine();

    private sealed record BuildDiagnostic(string File, int Line, int Column, string Id, string Message);
}
