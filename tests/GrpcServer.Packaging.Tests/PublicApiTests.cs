using System.Reflection;
using Xunit.Abstractions;

namespace GrpcServer.Packaging.Tests;

/// <summary>
/// The runtime's public API is declared in runtime/GrpcServer/PublicAPI.*.txt: a public member that is not declared
/// there fails the build. Builds the runtime project once (about half a minute), so it carries the trait of the slow
/// packaging tests.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class PublicApiTests(ITestOutputHelper output)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Build_fails_on_a_public_member_that_is_not_declared()
    {
        var repoRoot = Path.GetFullPath(typeof(PublicApiTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepoRoot").Value!);
        var work = Directory.CreateTempSubdirectory("grpcserver-publicapi-");
        try
        {
            // One extra source file with one new public method, added to the runtime's compilation through MSBuild's
            // standard hook for an imported targets file, so that nothing in the repository changes.
            var source = Path.Combine(work.FullName, "Undeclared.cs");
            await File.WriteAllTextAsync(source, """
                namespace GrpcServer;

                /// <summary>Not in PublicAPI.*.txt.</summary>
                public static class UndeclaredApi
                {
                    /// <summary>Not in PublicAPI.*.txt either.</summary>
                    public static void Added() { }
                }
                """);
            var targets = Path.Combine(work.FullName, "AddUndeclared.targets");
            await File.WriteAllTextAsync(targets, $"""
                <Project>
                  <ItemGroup>
                    <Compile Include="{source}" />
                  </ItemGroup>
                </Project>
                """);

            // Its own artifacts directory, so that the repository's build output is neither used nor touched.
            var build = await DotNetCli.RunAsync(repoRoot, BuildTimeout,
                "build", Path.Combine(repoRoot, "runtime", "GrpcServer", "GrpcServer.csproj"),
                "--artifacts-path", Path.Combine(work.FullName, "artifacts"),
                $"-p:CustomAfterMicrosoftCommonTargets={targets}", "-p:BuildProjectReferences=false",
                "-nodeReuse:false", "-tl:off");
            output.WriteLine(build.ToString());

            Assert.False(build.Succeeded);
            Assert.Contains("error RS0016: Symbol 'GrpcServer.UndeclaredApi' is not part of the declared public API", build.Output);
            Assert.Contains("error RS0016: Symbol 'static GrpcServer.UndeclaredApi.Added() -> void' is not part of the declared public API", build.Output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
