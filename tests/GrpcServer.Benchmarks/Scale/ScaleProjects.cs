using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace GrpcServer.Benchmarks.Scale;

/// <summary>A generated project on disk: its form, size and directory.</summary>
internal sealed record ScaleProject(RegistrationForm Form, int RpcCount, string Directory)
{
    public string ProjectFile => Path.Combine(Directory, "Scale.csproj");

    /// <summary>What the build's compiler was given, written by <see cref="ScaleProjects.InputsTarget"/>.</summary>
    public string InputsFile => Path.Combine(Directory, "obj", "scale-inputs.txt");

    public string Name => (Form == RegistrationForm.GrpcDotnet ? "grpc-dotnet" : "GrpcServer") + ", " + RpcCount.ToString("N0", CultureInfo.InvariantCulture) + " RPCs";
}

/// <summary>One timed <c>dotnet build</c>: wall time and the two tasks that differ between the forms.</summary>
internal sealed record BuildTiming(RegistrationForm Form, int RpcCount, int Repetition, double Seconds, double CscSeconds, double ProtocSeconds);

/// <summary>
/// Writes the scale projects into a directory outside the repository (so that none of its build settings apply) and
/// builds them. GrpcServer's form references the runtime and the generator/analyzer assemblies this benchmark was
/// built with (copied next to the projects when the run starts), plus the runtime's MSBuild targets, so a run
/// measures whatever design is in the tree; grpc-dotnet's form uses Grpc.Tools with <c>GrpcServices="Server"</c>.
/// Both use Microsoft.NET.Sdk with the ASP.NET Core shared framework and the package versions of
/// Directory.Packages.props.
/// </summary>
internal sealed class ScaleProjects : IDisposable
{
    /// <summary>Writes what the compiler was given (references, sources, additional files, options) for the Roslyn measurements.</summary>
    public const string InputsTarget = """
        <Project>
          <!-- Written after each compile: what csc was given, read by the benchmark's Roslyn measurements. -->
          <Target Name="ScaleWriteCompilerInputs" AfterTargets="CoreCompile">
            <WriteLinesToFile File="$(MSBuildProjectDirectory)/obj/scale-inputs.txt" Overwrite="true"
              Lines="@(ReferencePathWithRefAssemblies->'ref|%(FullPath)');@(Compile->'src|%(FullPath)');@(AdditionalFiles->'add|%(FullPath)');@(EditorConfigFiles->'cfg|%(FullPath)');lang|$(LangVersion);define|$(DefineConstants.Replace(';', ','));nullable|$(Nullable)" />
          </Target>
        </Project>
        """;

    private readonly string _root;
    private readonly string _repository;
    private readonly Dictionary<string, string> _versions;
    private readonly string _compilerId = "grpcserver-scale-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private bool _compilerStarted;

    public ScaleProjects(string repository)
    {
        _repository = repository;
        _root = System.IO.Directory.CreateTempSubdirectory("grpcserver-scale-").FullName;
        _versions = XDocument.Load(Path.Combine(repository, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);

        // The assemblies as this benchmark was built from the tree, copied so that a rebuild meanwhile changes nothing.
        var lib = System.IO.Directory.CreateDirectory(Path.Combine(_root, "lib")).FullName;
        foreach (var assembly in new[] { "GrpcServer.dll", "GrpcServer.Generators.dll" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, assembly), Path.Combine(lib, assembly));
        }

        File.Copy(Path.Combine(repository, "global.json"), Path.Combine(_root, "global.json"));
        File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(_root, "ScaleInputs.targets"), InputsTarget);
    }

    public string Root => _root;

    /// <summary>The C# compiler the builds use (the SDK's), for the report.</summary>
    public string CompilerVersion { get; private set; } = "?";

    public ScaleProject Write(RegistrationForm form, int rpcCount)
    {
        var name = (form == RegistrationForm.GrpcDotnet ? "grpcdotnet-" : "grpcserver-") + rpcCount.ToString(CultureInfo.InvariantCulture);
        var directory = System.IO.Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        foreach (var file in ScaleCorpus.Files(rpcCount))
        {
            var path = Path.Combine(directory, "Protos", file.ImportPath);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file.Text);
        }

        var variant = new ScaleVariant(form, HandlerStyle.TypedLambda);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), ScaleSources.Program(variant, ScaleCorpus.Rpcs(rpcCount), ScaleCorpus.Namespaces(rpcCount)));
        if (form != RegistrationForm.GrpcDotnet)
        {
            File.WriteAllText(Path.Combine(directory, "Replies.cs"), ScaleSources.Replies);
        }

        File.WriteAllText(Path.Combine(directory, "Scale.csproj"), ProjectText(form));
        return new ScaleProject(form, rpcCount, directory);
    }

    private string ProjectText(RegistrationForm form)
    {
        var text = new StringBuilder();
        text.Append("""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RootNamespace>Scale</RootNamespace>
              </PropertyGroup>
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />

            """);
        var packages = form == RegistrationForm.GrpcDotnet
            ? new[] { "Google.Protobuf", "Grpc.AspNetCore.Server" }
            : ["Google.Protobuf", "Grpc.AspNetCore.Server", "Grpc.Reflection", "Grpc.HealthCheck"];
        foreach (var package in packages)
        {
            text.Append($"    <PackageReference Include=\"{package}\" Version=\"{_versions[package]}\" />\n");
        }

        text.Append($"    <PackageReference Include=\"Grpc.Tools\" Version=\"{_versions["Grpc.Tools"]}\" PrivateAssets=\"all\" />\n");
        if (form == RegistrationForm.GrpcDotnet)
        {
            text.Append("    <Protobuf Include=\"Protos/**/*.proto\" ProtoRoot=\"Protos\" GrpcServices=\"Server\" />\n");
        }
        else
        {
            text.Append("    <Protobuf Include=\"Protos/**/*.proto\" ProtoRoot=\"Protos\" GrpcServices=\"None\" />\n");
            text.Append("    <Reference Include=\"GrpcServer\" HintPath=\"$(MSBuildThisFileDirectory)../lib/GrpcServer.dll\" />\n");
            text.Append("    <Analyzer Include=\"$(MSBuildThisFileDirectory)../lib/GrpcServer.Generators.dll\" />\n");
        }

        text.Append("  </ItemGroup>\n");
        if (form != RegistrationForm.GrpcDotnet)
        {
            text.Append($"  <Import Project=\"{Path.Combine(_repository, "runtime", "GrpcServer", "buildTransitive", "GrpcServer.targets")}\" />\n");
        }

        text.Append("  <Import Project=\"$(MSBuildThisFileDirectory)../ScaleInputs.targets\" />\n");
        text.Append("</Project>\n");
        return text.ToString();
    }

    public async Task RestoreAsync(ScaleProject project) =>
        await RunDotnetAsync(project.Directory, TimeSpan.FromMinutes(5), "restore", project.ProjectFile);

    /// <summary>
    /// A full build: <c>dotnet build --no-incremental</c> (clean, protoc, compile with the generator and analyzers) of a
    /// restored project, on a compiler server of this run's own (warm after the first build, as on a developer's machine;
    /// shut down at the end) and without MSBuild node reuse, so nothing outlives the run.
    /// </summary>
    public async Task<BuildTiming> BuildAsync(ScaleProject project, int repetition)
    {
        var stopwatch = Stopwatch.StartNew();
        _compilerStarted = true;
        var output = await RunDotnetAsync(
            project.Directory,
            TimeSpan.FromMinutes(15),
            "build", project.ProjectFile, "-c", "Release", "--no-restore", "--no-incremental", "-nodeReuse:false",
            "-p:UseSharedCompilation=true", "-p:SharedCompilationId=" + _compilerId, "-p:TreatWarningsAsErrors=false", "-clp:PerformanceSummary;NoSummary", "-v:m");
        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (!File.Exists(project.InputsFile))
        {
            throw new InvalidOperationException($"The build of {project.Name} wrote no compiler inputs.\n{Tail(output)}");
        }

        return new BuildTiming(project.Form, project.RpcCount, repetition, seconds, TaskSeconds(output, "Csc"), TaskSeconds(output, "ProtoCompile"));
    }

    public async Task ReadCompilerVersionAsync()
    {
        var sdk = (await RunDotnetAsync(_root, TimeSpan.FromMinutes(1), "--version")).Trim();
        CompilerVersion = "SDK " + sdk;
    }

    /// <summary>Stops this run's compiler server (by its own pipe name: other builds' servers are left alone).</summary>
    public void Dispose()
    {
        try
        {
            if (_compilerStarted)
            {
                var sdks = RunDotnetAsync(_root, TimeSpan.FromMinutes(1), "--list-sdks").GetAwaiter().GetResult();
                var version = RunDotnetAsync(_root, TimeSpan.FromMinutes(1), "--version").GetAwaiter().GetResult().Trim();
                var line = sdks.Split('\n').FirstOrDefault(l => l.StartsWith(version + " ", StringComparison.Ordinal));
                if (line is not null)
                {
                    var sdkDirectory = Path.Combine(line[(line.IndexOf('[', StringComparison.Ordinal) + 1)..line.LastIndexOf(']')], version);
                    var server = Path.Combine(sdkDirectory, "Roslyn", "bincore", "VBCSCompiler.dll");
                    RunDotnetAsync(_root, TimeSpan.FromMinutes(1), "exec", server, "-shutdown", "-pipename:" + _compilerId).GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
    }

    private static double TaskSeconds(string output, string task)
    {
        // "Task Performance Summary:" lines: "     1234 ms  Csc                                        1 calls"
        var match = Regex.Match(output, @"^\s*(\d+) ms\s+" + Regex.Escape(task) + @"\s+\d+ calls", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) / 1000 : double.NaN;
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(40));

    private static async Task<string> RunDotnetAsync(string directory, TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";

        // A machine-wide UseSharedCompilation=false (CI sandboxes set it) would compile in-process, cold, every time.
        info.Environment.Remove("UseSharedCompilation");

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} took longer than {timeout}.");
        }

        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed (exit code {process.ExitCode}):\n{Tail(output)}");
        }

        return output;
    }
}
