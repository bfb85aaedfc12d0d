using System.Text.RegularExpressions;

namespace GrpcServer.Generators.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions: the expected text lives in <c>Snapshots/NAME.verified.cs</c> beside the
/// tests. A mismatch writes <c>NAME.received.cs</c> next to it and fails; with the environment
/// variable <c>GRPCSERVER_ACCEPT_SNAPSHOTS=1</c> the received text becomes the verified one.
/// The generator version in <c>[GeneratedCode]</c> is scrubbed.
/// </summary>
internal static partial class Snapshot
{
    public const string AcceptVariable = "GRPCSERVER_ACCEPT_SNAPSHOTS";

    /// <summary>Verifies each snapshot, writing every mismatch before failing.</summary>
    public static void VerifyAll(IEnumerable<(string Name, string Actual)> snapshots)
    {
        var failures = new List<string>();
        foreach (var (name, actual) in snapshots)
        {
            try
            {
                Verify(name, actual);
            }
            catch (Xunit.Sdk.FailException exception)
            {
                failures.Add(exception.Message);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    public static void Verify(string name, string actual)
    {
        var scrubbed = Scrub(actual);
        var verifiedPath = Path.Combine(TestPaths.SnapshotsDirectory, name + ".verified.cs");
        var receivedPath = Path.Combine(TestPaths.SnapshotsDirectory, name + ".received.cs");
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(TestPaths.SnapshotsDirectory);
            File.WriteAllText(verifiedPath, scrubbed);
            File.Delete(receivedPath);
            return;
        }

        var expected = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).ReplaceLineEndings("\n") : null;
        if (expected == scrubbed)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, scrubbed);
        Assert.Fail(expected is null
            ? $"No verified snapshot {verifiedPath}; the output was written to {receivedPath}. Review it and set {AcceptVariable}=1 to accept."
            : $"Snapshot {name} differs at line {FirstDifferentLine(expected, scrubbed)}; see {receivedPath}. Set {AcceptVariable}=1 to accept.");
    }

    /// <summary>Replaces the generator version in <c>[GeneratedCode]</c> with <c>{version}</c>.</summary>
    public static string Scrub(string text) =>
        VersionPattern().Replace(text.ReplaceLineEndings("\n"), "GeneratedCode(\"GrpcServer.Generators\", \"{version}\")");

    private static int FirstDifferentLine(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return i + 1;
            }
        }

        return Math.Min(a.Length, b.Length) + 1;
    }

    [GeneratedRegex("""GeneratedCode\("GrpcServer\.Generators", "[^"]*"\)""")]
    private static partial Regex VersionPattern();
}
