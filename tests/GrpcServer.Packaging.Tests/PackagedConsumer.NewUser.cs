using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;

namespace GrpcServer.Packaging.Tests;

/// <summary>
/// A new user's first projects, from the same package: README's snippets pasted into new projects (a console app and
/// an ASP.NET Core app, which is run and called), and a new <c>calc.v1.Calculator</c> service with the common
/// mistakes of issue 11 in its code and in its project file.
/// </summary>
public sealed partial class PackagedConsumer
{
    private static readonly TimeSpan NewUserBuildTimeout = TimeSpan.FromMinutes(10);

    /// <summary>A console project: README's "Install from NuGet" item group and nuget.config, greet.proto, README's first snippet.</summary>
    public CommandResult? ReadmeConsoleBuild { get; private set; }

    /// <summary>An ASP.NET Core project: the same package setup, README's hosting example and its appsettings.json.</summary>
    public CommandResult? ReadmeWebBuild { get; private set; }

    /// <summary>The hosting example run with both of its endpoints on 127.0.0.1 port 0, and called.</summary>
    public ReadmeWebRunResult? ReadmeWebRun { get; private set; }

    /// <summary>calc.v1.Calculator with the mistakes of NewUser/Mistakes.cs (the build is expected to fail).</summary>
    public CommandResult? MistakesBuild { get; private set; }

    /// <summary>calculator.proto as a Protobuf item, without Grpc.Tools (the build is expected to fail).</summary>
    public CommandResult? NoGrpcToolsBuild { get; private set; }

    /// <summary>Grpc.Tools, and calculator.proto in the project's folder but not a Protobuf item (expected to fail).</summary>
    public CommandResult? NoProtobufItemBuild { get; private set; }

    public string NewUserDirectory => Path.Combine(WorkDirectory, "new-user");

    /// <summary>README.md of the repository, as a user reads it.</summary>
    public string Readme => File.ReadAllText(Path.Combine(RepoRoot, "README.md"));

    private async Task RunNewUserProjectsAsync()
    {
        var readme = Readme;
        var console = WriteReadmeProject("readme-console", "Microsoft.NET.Sdk", readme, ReadmeCodeBlock(readme, "csharp", after: null), appSettings: null);
        var web = WriteReadmeProject(
            "readme-web",
            "Microsoft.NET.Sdk.Web",
            readme,
            ReadmeCodeBlock(readme, "csharp", after: "### Hosting in an existing ASP.NET Core app"),
            ReadmeCodeBlock(readme, "json", after: "### Hosting in an existing ASP.NET Core app"));
        var mistakes = WriteCalculatorProject("calc-mistakes", "Mistakes.cs", grpcTools: true, protobufItem: true);
        var noGrpcTools = WriteCalculatorProject("calc-no-grpc-tools", "NoMessageClasses.cs", grpcTools: false, protobufItem: true);
        var noProtobufItem = WriteCalculatorProject("calc-no-protobuf-item", "NoMessageClasses.cs", grpcTools: true, protobufItem: false);

        // Independent builds; the three expected to fail still restore and compile everything they can.
        var builds = new[] { console, web, mistakes, noGrpcTools, noProtobufItem }
            .Select(directory => DotNetCli.RunAsync(directory, NewUserBuildTimeout, "build", "-nodeReuse:false", "-tl:off"))
            .ToArray();
        await Task.WhenAll(builds);
        (ReadmeConsoleBuild, ReadmeWebBuild, MistakesBuild, NoGrpcToolsBuild, NoProtobufItemBuild) =
            (builds[0].Result, builds[1].Result, builds[2].Result, builds[3].Result, builds[4].Result);

        if (ReadmeWebBuild.Succeeded)
        {
            ReadmeWebRun = await RunReadmeWebAsync(web);
        }
    }

    /// <summary>
    /// A new project as <c>dotnet new console</c> or <c>dotnet new web</c> makes it, with what README says to add:
    /// the item group and nuget.config of "Install from NuGet" (the package's version and the feed's folder filled in,
    /// as README says to), greet.proto under Protos/, and the snippet as Program.cs.
    /// </summary>
    private string WriteReadmeProject(string name, string sdk, string readme, string program, string? appSettings)
    {
        var directory = Path.Combine(NewUserDirectory, name);
        Directory.CreateDirectory(Path.Combine(directory, "Protos"));
        var itemGroup = Regex.Replace(
            ReadmeCodeBlock(readme, "xml", after: "## Install from NuGet"),
            "(<PackageReference Include=\"GrpcServer\" Version=\")[^\"]*\"",
            m => m.Groups[1].Value + Version + "\"");
        var nugetConfig = Regex.Replace(
            ReadmeCodeBlock(readme, "xml", after: "## Install from NuGet", containing: "<packageSources>"),
            "(<add key=\"[^\"]*\" value=\")[^\"]*\"",
            m => m.Groups[1].Value + FeedDirectory + "\"");
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="{sdk}">

              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>

            {itemGroup}

            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), nugetConfig);
        File.Copy(Path.Combine(RepoRoot, "samples", "Greeter", "greet.proto"), Path.Combine(directory, "Protos", "greet.proto"));
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        if (appSettings is not null)
        {
            File.WriteAllText(Path.Combine(directory, "appsettings.json"), appSettings);
        }

        return directory;
    }

    /// <summary>A new console project for calc.v1.Calculator, with or without Grpc.Tools and the Protobuf item.</summary>
    private string WriteCalculatorProject(string name, string program, bool grpcTools, bool protobufItem)
    {
        var directory = Path.Combine(NewUserDirectory, name);
        Directory.CreateDirectory(Path.Combine(directory, "Protos"));
        var template = Path.Combine(AppContext.BaseDirectory, "NewUser");
        File.Copy(Path.Combine(template, "calculator.proto"), Path.Combine(directory, "Protos", "calculator.proto"));
        File.Copy(Path.Combine(template, program), Path.Combine(directory, "Program.cs"));
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">

              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>

              <ItemGroup>
                <PackageReference Include="GrpcServer" Version="{Version}" />
                {(grpcTools ? $"<PackageReference Include=\"Grpc.Tools\" Version=\"{CentralVersions["Grpc.Tools"]}\" PrivateAssets=\"all\" />" : "")}
                {(protobufItem ? "<Protobuf Include=\"Protos/**/*.proto\" ProtoRoot=\"Protos\" GrpcServices=\"None\" />" : "")}
              </ItemGroup>

            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), FeedConfig());
        return directory;
    }

    /// <summary>
    /// Runs the hosting example with its two endpoints moved to 127.0.0.1 port 0 (command-line configuration, which
    /// overrides appsettings.json), reads where it listens and what it says about them, and calls each endpoint: gRPC
    /// with a real client, the page with plain HTTP/1.1.
    /// </summary>
    private async Task<ReadmeWebRunResult> RunReadmeWebAsync(string directory)
    {
        await using var app = RunningProgram.Start(
            directory,
            Path.Combine("bin", "Debug", "net10.0", "readme-web.dll"),
            "--Kestrel:Endpoints:Web:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:0");

        var urls = new List<string>();
        string? grpcAnswer = null;
        string? pageAnswer = null;
        try
        {
            // Kestrel logs each endpoint; GrpcServer then says which of them gRPC clients can call (or warns).
            while (urls.Count < 2)
            {
                urls.Add((await app.WaitForLineAsync(line => line.Contains("Now listening on: ", StringComparison.Ordinal), RunTimeout))
                    .Split("Now listening on: ")[1].Trim());
            }

            await app.WaitForLineAsync(line => line.Contains("gRPC clients can call the handlers on ", StringComparison.Ordinal)
                                            || line.Contains("The gRPC handlers cannot be called", StringComparison.Ordinal), RunTimeout);

            foreach (var url in urls)
            {
                grpcAnswer ??= await TrySayHelloAsync(url);
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                try
                {
                    pageAnswer ??= await http.GetStringAsync(url);
                }
                catch (HttpRequestException)
                {
                    // The gRPC endpoint speaks HTTP/2 only.
                }
            }
        }
        catch (TimeoutException)
        {
            // Reported through the output below.
        }

        return new ReadmeWebRunResult(urls, grpcAnswer, pageAnswer, app.Output);
    }

    /// <summary>Calls helloworld.Greeter/SayHello with a real gRPC client; the reply's message, or null if the call fails.</summary>
    private static async Task<string?> TrySayHelloAsync(string url)
    {
        // HelloRequest { name = "README" } and HelloReply { message }, field 1, written and read by hand: the test has no
        // generated classes of its own.
        var marshaller = Marshallers.Create<byte[]>(bytes => bytes, bytes => bytes);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "helloworld.Greeter", "SayHello", marshaller, marshaller);
        using var channel = GrpcChannel.ForAddress(url);
        try
        {
            var reply = await channel.CreateCallInvoker().AsyncUnaryCall(
                method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), [0x0A, 6, .. "README"u8]);
            return reply.Length >= 2 && reply[0] == 0x0A ? System.Text.Encoding.UTF8.GetString(reply, 2, reply[1]) : "(unexpected reply)";
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>
    /// The text of the first fenced code block of <paramref name="language"/> in README after the heading
    /// <paramref name="after"/> (from the top when null), optionally the first one containing <paramref name="containing"/>.
    /// </summary>
    public static string ReadmeCodeBlock(string readme, string language, string? after, string? containing = null)
    {
        var start = after is null ? 0 : readme.IndexOf("\n" + after + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"README has no heading '{after}'.");
        }

        foreach (Match block in Regex.Matches(readme[start..], "```" + language + "\n(.*?)```", RegexOptions.Singleline))
        {
            if (containing is null || block.Groups[1].Value.Contains(containing, StringComparison.Ordinal))
            {
                return block.Groups[1].Value;
            }
        }

        throw new InvalidOperationException($"README has no {language} block after '{after}'" + (containing is null ? "." : $" containing '{containing}'."));
    }

    private string FeedConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="grpcserver-packaging-test" value="{FeedDirectory}" />
          </packageSources>
        </configuration>
        """;
}

/// <summary>What the hosting example did when run: where it listened, its gRPC reply, its page, and what it printed.</summary>
public sealed record ReadmeWebRunResult(IReadOnlyList<string> Urls, string? GrpcReply, string? Page, string Output);
