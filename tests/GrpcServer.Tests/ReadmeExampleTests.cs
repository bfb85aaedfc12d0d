namespace GrpcServer.Tests;

/// <summary>README.md's code that is compiled and run as a test shows the text that is.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Readme_shows_the_in_memory_testing_example_that_this_project_runs()
    {
        var root = RepositoryRoot();
        var example = File.ReadAllLines(Path.Combine(root, "tests/GrpcServer.Tests/ReadmeExample.cs"))
            .SkipWhile(line => line.StartsWith("//", StringComparison.Ordinal));
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));

        const string Marker = "<!-- compiled and run by tests/GrpcServer.Tests (ReadmeExample.cs) -->\n```csharp\n";
        var start = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no block marked as the ReadmeExample.cs example.");
        start += Marker.Length;
        var shown = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        Assert.Equal(string.Join("\n", example).Trim(), shown.Trim());
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GrpcServer.Generators.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (GrpcServer.Generators.sln) is not above " + AppContext.BaseDirectory);
    }
}
