using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;

namespace GrpcServer.Packaging.Tests;

/// <summary>
/// Packs runtime/GrpcServer with a version never used before into a feed in a temporary directory, writes a fresh
/// console project next to it (outside the repository, so none of the repository's Directory.*.props apply), builds
/// it against the feed and runs it. Each step records its result for the tests to assert; a step whose
/// predecessor failed does not run. Everything is removed afterwards, including the package's copy in the NuGet
/// global packages folder.
/// </summary>
public sealed partial class PackagedConsumer : IAsyncLifetime
{
    // Guards against a hung tool, not measures: generous, because the machine may be busy with other builds.
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    public PackagedConsumer()
    {
        RepoRoot = Path.GetFullPath(typeof(PackagedConsumer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepoRoot").Value!);
        WorkDirectory = Path.Combine(Path.GetTempPath(), "grpcserver-packaging-" + Guid.NewGuid().ToString("N"));
        FeedDirectory = Path.Combine(WorkDirectory, "feed");
        // '#' and a space in the project's folder: Roslyn's .editorconfig reader takes '#' for the start of a comment,
        // so the GrpcServer targets hand the paths to the generator encoded (issue 12.5).
        ConsumerDirectory = Path.Combine(WorkDirectory, "C# consumer");
        Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        CentralVersions = XDocument.Load(Path.Combine(RepoRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
    }

    public string RepoRoot { get; }

    public string WorkDirectory { get; }

    public string FeedDirectory { get; }

    public string ConsumerDirectory { get; }

    /// <summary>The package version of this run: unique, so no NuGet cache can serve other bits.</summary>
    public string Version { get; }

    /// <summary>The repository's pinned package versions (Directory.Packages.props).</summary>
    public IReadOnlyDictionary<string, string> CentralVersions { get; }

    public CommandResult? Pack { get; private set; }

    public CommandResult? Build { get; private set; }

    /// <summary>The consumer's AdditionalFiles as the GrpcServer targets leave them, with two properties (JSON).</summary>
    public CommandResult? Items { get; private set; }

    public CommandResult? Run { get; private set; }

    public string PackagePath => Path.Combine(FeedDirectory, $"GrpcServer.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(FeedDirectory);
        WriteConsumer();

        Pack = await DotNetCli.RunAsync(RepoRoot, PackTimeout,
            "pack", Path.Combine(RepoRoot, "runtime", "GrpcServer", "GrpcServer.csproj"),
            "-c", "Release", "-o", FeedDirectory, "--artifacts-path", Path.Combine(WorkDirectory, "artifacts"),
            $"-p:Version={Version}", "-nodeReuse:false", "-tl:off");
        if (!Pack.Succeeded)
        {
            return;
        }

        Build = await DotNetCli.RunAsync(ConsumerDirectory, BuildTimeout, "build", "-nodeReuse:false", "-tl:off");
        if (!Build.Succeeded)
        {
            return;
        }

        Items = await DotNetCli.RunAsync(ConsumerDirectory, BuildTimeout,
            "msbuild", "-t:GrpcServerAddProtobufToAdditionalFiles", "-getItem:AdditionalFiles",
            "-getProperty:DirectoryBuildPropsPath", "-getProperty:DirectoryBuildTargetsPath",
            "-getProperty:ManagePackageVersionsCentrally", "-nodeReuse:false", "-tl:off");
        Run = await DotNetCli.RunAsync(ConsumerDirectory, RunTimeout, Path.Combine("bin", "Debug", "net10.0", "Consumer.dll"));

        // A new user's projects from the same package (PackagedConsumer.NewUser.cs).
        await RunNewUserProjectsAsync();
    }

    public Task DisposeAsync()
    {
        var packageFolder = GlobalPackagesFolder() is { } root ? Path.Combine(root, "grpcserver", Version.ToLowerInvariant()) : null;
        DeleteDirectory(WorkDirectory);
        if (packageFolder is not null)
        {
            DeleteDirectory(packageFolder);
            var idFolder = Path.GetDirectoryName(packageFolder)!;
            if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
            {
                Directory.Delete(idFolder);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Files MSBuild would import into the consumer from its ancestors, which a user's project would not have.</summary>
    public IReadOnlyList<string> RepositoryFilesAboveConsumer()
    {
        var found = new List<string>();
        for (var directory = new DirectoryInfo(ConsumerDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json" })
            {
                var path = Path.Combine(directory.FullName, name);
                if (File.Exists(path))
                {
                    found.Add(path);
                }
            }
        }

        return found;
    }

    private void WriteConsumer()
    {
        var template = Path.Combine(AppContext.BaseDirectory, "Consumer");
        foreach (var file in Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(ConsumerDirectory, Path.GetRelativePath(template, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (file.EndsWith(".template", StringComparison.Ordinal))
            {
                File.WriteAllText(target[..^".template".Length], File.ReadAllText(file)
                    .Replace("{{GrpcServerVersion}}", Version, StringComparison.Ordinal)
                    .Replace("{{GrpcToolsVersion}}", CentralVersions["Grpc.Tools"], StringComparison.Ordinal)
                    .Replace("{{GrpcNetClientVersion}}", CentralVersions["Grpc.Net.Client"], StringComparison.Ordinal));
            }
            else
            {
                File.Copy(file, target);
            }
        }

        // The test feed, on top of the package sources this machine is configured with (user and machine NuGet.Config).
        File.WriteAllText(Path.Combine(ConsumerDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="grpcserver-packaging-test" value="{FeedDirectory}" />
              </packageSources>
            </configuration>
            """);
    }

    private string? GlobalPackagesFolder()
    {
        var assets = Path.Combine(ConsumerDirectory, "obj", "project.assets.json");
        if (!File.Exists(assets))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        return document.RootElement.TryGetProperty("packageFolders", out var folders)
            ? folders.EnumerateObject().Select(p => p.Name).FirstOrDefault()
            : null;
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
