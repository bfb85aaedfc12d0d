using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace GrpcServer.Packaging.Tests;

/// <summary>
/// The GrpcServer package as its users get it: one package with the runtime, the generator and the MSBuild targets,
/// which a fresh project outside the repository uses with nothing but Grpc.Tools and its .proto files.
/// </summary>
[Trait("Category", "Packaging")]
public sealed partial class PackageTests(PackagedConsumer consumer, ITestOutputHelper output) : IClassFixture<PackagedConsumer>
{
    [Fact]
    public void Every_step_ran()
    {
        foreach (var (step, result) in new[] { ("pack", consumer.Pack), ("build", consumer.Build), ("items", consumer.Items), ("run", consumer.Run) })
        {
            output.WriteLine($"{step}: {(result is null ? "did not run" : $"exit {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0} s")}");
        }

        Assert.All(new[] { consumer.Pack, consumer.Build, consumer.Items, consumer.Run }, result => Assert.True(result?.Succeeded, result?.ToString()));
    }

    [Fact]
    public void Pack_succeeds_without_warnings_and_makes_one_package()
    {
        Assert.NotNull(consumer.Pack);
        Assert.True(consumer.Pack.Succeeded, consumer.Pack.ToString());
        Assert.DoesNotMatch(WarningLine(), consumer.Pack.Output);
        Assert.Equal([Path.GetFileName(consumer.PackagePath)], Directory.GetFiles(consumer.FeedDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public void Package_holds_the_runtime_the_generator_as_an_analyzer_and_the_targets()
    {
        using var package = OpenPackage();
        var files = package.Entries
            .Select(e => e.FullName)
            .Where(name => !name.StartsWith("_rels/", StringComparison.Ordinal) && !name.StartsWith("package/", StringComparison.Ordinal) && name != "[Content_Types].xml")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            [
                "GrpcServer.nuspec",
                "README.md",
                "analyzers/dotnet/cs/GrpcServer.Generators.dll",
                "buildTransitive/GrpcServer.targets",
                "lib/net10.0/GrpcServer.dll",
                "lib/net10.0/GrpcServer.xml",
            ],
            files);
    }

    [Fact]
    public void Package_metadata_is_complete()
    {
        var metadata = ReadNuspec().Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);

        Assert.Equal("GrpcServer", Value("id"));
        Assert.Equal(consumer.Version, Value("version"));
        Assert.False(string.IsNullOrWhiteSpace(Value("authors")));
        Assert.Contains("AddHandler", Value("description"), StringComparison.Ordinal);
        Assert.Equal("expression", (string?)Element("license").Attribute("type"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains("grpc", Value("tags").Split(' '));

        // The package links to the repository only once it has a public address (RepositoryUrl, which the SDK also
        // writes into this test assembly): no link that leads nowhere.
        var repositoryUrl = typeof(PackageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "RepositoryUrl")?.Value;
        var projectUrl = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "projectUrl")?.Value;
        var repository = (string?)metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("url");
        Assert.Equal(repositoryUrl, projectUrl);
        Assert.Equal(repositoryUrl, repository);
    }

    [Fact]
    public void Package_depends_on_the_runtime_packages_and_not_on_the_generator()
    {
        var metadata = ReadNuspec().Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        var group = Assert.Single(metadata.Elements().Single(e => e.Name.LocalName == "dependencies").Elements());
        Assert.Equal("net10.0", (string?)group.Attribute("targetFramework"));
        var dependencies = group.Elements().ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!);

        foreach (var id in new[] { "Google.Protobuf", "Grpc.AspNetCore.Server", "Grpc.HealthCheck", "Grpc.Reflection", "Grpc.Net.Client" })
        {
            Assert.True(dependencies.TryGetValue(id, out var version), $"no dependency on {id}: {string.Join(", ", dependencies.Keys)}");
            Assert.Equal(consumer.CentralVersions[id], version);
        }

        Assert.Equal(5, dependencies.Count);
        var framework = metadata.Elements().Single(e => e.Name.LocalName == "frameworkReferences").Descendants().Single(e => e.Name.LocalName == "frameworkReference");
        Assert.Equal("Microsoft.AspNetCore.App", (string?)framework.Attribute("name"));
    }

    [Fact]
    public void Consumer_lives_outside_the_repository()
    {
        var repo = consumer.RepoRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        Assert.False(consumer.ConsumerDirectory.StartsWith(repo, StringComparison.Ordinal), $"{consumer.ConsumerDirectory} is inside {repo}");
        Assert.Empty(consumer.RepositoryFilesAboveConsumer());

        // And MSBuild agrees: no Directory.Build.* and no central package management were imported.
        var properties = ItemsJson().RootElement.GetProperty("Properties");
        Assert.Equal("", properties.GetProperty("DirectoryBuildPropsPath").GetString());
        Assert.Equal("", properties.GetProperty("DirectoryBuildTargetsPath").GetString());
        Assert.NotEqual("true", properties.GetProperty("ManagePackageVersionsCentrally").GetString());
    }

    [Fact]
    public void Consumer_builds_from_the_package_without_warnings()
    {
        Assert.NotNull(consumer.Build);
        Assert.True(consumer.Build.Succeeded, consumer.Build.ToString());
        Assert.DoesNotMatch(WarningLine(), consumer.Build.Output);
        Assert.Matches(@"(?m)^\s*0 Warning\(s\)", consumer.Build.Output);

        // GrpcServer came from the test feed, at this run's version; the generator is not a package of its own.
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(consumer.ConsumerDirectory, "obj", "project.assets.json")));
        var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains($"GrpcServer/{consumer.Version}", libraries);
        Assert.DoesNotContain(libraries, name => name.StartsWith("GrpcServer.Generators/", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Protobuf_items_reach_the_generator_once_each_with_their_proto_root()
    {
        var protos = ItemsJson().RootElement.GetProperty("Items").GetProperty("AdditionalFiles").EnumerateArray()
            .Where(item => item.GetProperty("Extension").GetString() == ".proto")
            .Select(item => (Path: Path.GetRelativePath(consumer.ConsumerDirectory, item.GetProperty("FullPath").GetString()!).Replace('\\', '/'),
                             Root: item.TryGetProperty("ProtoRoot", out var root) ? root.GetString() : null))
            .OrderBy(p => p.Path, StringComparer.Ordinal)
            .ToList();

        // protos/greeter.proto is also listed as an AdditionalFile without ProtoRoot: it still comes once, rooted as
        // protoc roots it; the files without ProtoRoot get "." as Grpc.Tools gives them.
        Assert.Equal(
            [
                ("extra/ping.proto", "."),
                ("extra/ping_types.proto", "."),
                ("protos/common/greeting.proto", "protos"),
                ("protos/greeter.proto", "protos"),
            ],
            protos);
    }

    [Fact]
    public void Paths_with_a_hash_reach_the_generator_whole_through_the_editorconfig_the_sdk_writes()
    {
        Assert.Contains('#', consumer.ConsumerDirectory);
        var editorConfig = Directory.GetFiles(Path.Combine(consumer.ConsumerDirectory, "obj"), "*.GeneratedMSBuildEditorConfig.editorconfig", SearchOption.AllDirectories).Single();
        var lines = File.ReadAllLines(editorConfig);

        // As the compiler reads a value: up to a '#' or ';', trimmed. The plain ProjectDir loses its tail; the encoded
        // one keeps it, and decodes (as ProtoInputReader does) to the project's folder.
        static string Read(string line) => Regex.Match(line, @"^\s*[\w.\-]+\s*[=:]\s*(.*?)\s*([#;].*)?$").Groups[1].Value;
        var plain = Read(lines.First(l => l.StartsWith("build_property.ProjectDir ", StringComparison.Ordinal)));
        var encoded = Read(lines.Single(l => l.StartsWith("build_property.GrpcServerProjectDir ", StringComparison.Ordinal)));
        var roots = lines.Where(l => l.StartsWith("build_metadata.AdditionalFiles.GrpcServerProtoRoot ", StringComparison.Ordinal)).Select(Read).Order().ToList();

        Assert.NotEqual(consumer.ConsumerDirectory + Path.DirectorySeparatorChar, plain);
        Assert.Equal(consumer.ConsumerDirectory + Path.DirectorySeparatorChar, Uri.UnescapeDataString(encoded));
        Assert.Equal([".", ".", "protos", "protos"], roots);
    }

    [Fact]
    public void Consumer_serves_unary_and_streaming_calls_on_a_port_and_in_memory_and_exits()
    {
        Assert.NotNull(consumer.Run);
        Assert.True(consumer.Run.Succeeded, consumer.Run.ToString());

        // What the program printed itself, in order, without the server's log lines.
        var printed = consumer.Run.Output.Split('\n', StringSplitOptions.TrimEntries)
            .Where(line => line == "stopped" || line.StartsWith("unary:", StringComparison.Ordinal) ||
                           line.StartsWith("stream:", StringComparison.Ordinal) || line.StartsWith("ping:", StringComparison.Ordinal) ||
                           line.StartsWith("in memory:", StringComparison.Ordinal));
        Assert.Equal(
            [
                "unary: Hello package from /demo.Greeter/SayHello",
                "stream: 1 Hello stream",
                "stream: 2 Hello stream",
                "stream: 3 Hello stream",
                "ping: 42",
                "stopped",
                "in memory: Hello test from /demo.Greeter/SayHello",
            ],
            printed);
    }

    private ZipArchive OpenPackage()
    {
        Assert.True(File.Exists(consumer.PackagePath), consumer.Pack?.ToString() ?? "not packed");
        return ZipFile.OpenRead(consumer.PackagePath);
    }

    private XDocument ReadNuspec()
    {
        using var package = OpenPackage();
        using var stream = package.GetEntry("GrpcServer.nuspec")!.Open();
        return XDocument.Load(stream);
    }

    private JsonDocument ItemsJson()
    {
        Assert.NotNull(consumer.Items);
        Assert.True(consumer.Items.Succeeded, consumer.Items.ToString());
        return JsonDocument.Parse(consumer.Items.Output);
    }

    [GeneratedRegex(@"(?im):\s*warning\s+[A-Z]+\d+")]
    private static partial Regex WarningLine();
}
