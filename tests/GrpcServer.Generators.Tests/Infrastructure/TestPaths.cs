using System.Runtime.CompilerServices;

namespace GrpcServer.Generators.Tests.Infrastructure;

/// <summary>Finds the test project's source folder (for snapshots and .proto files) from the running tests.</summary>
internal static class TestPaths
{
    /// <summary>The folder of this test project's sources.</summary>
    public static string ProjectDirectory { get; } = Find();

    /// <summary>The folder of the test .proto files.</summary>
    public static string ProtosDirectory => Path.Combine(ProjectDirectory, "Protos");

    /// <summary>The folder of the verified snapshots.</summary>
    public static string SnapshotsDirectory => Path.Combine(ProjectDirectory, "Snapshots");

    private static string Find([CallerFilePath] string thisFile = "")
    {
        // The compiler records this file's path; when a build maps paths away, search upwards instead.
        var fromSource = Path.GetDirectoryName(Path.GetDirectoryName(thisFile));
        if (fromSource is not null && File.Exists(Path.Combine(fromSource, "GrpcServer.Generators.Tests.csproj")))
        {
            return fromSource;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "GrpcServer.Generators.Tests");
            if (File.Exists(Path.Combine(candidate, "GrpcServer.Generators.Tests.csproj")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Cannot find the GrpcServer.Generators.Tests source folder.");
    }
}
