using System;
using System.Reflection;

namespace GrpcServer.Generators.Diagnostics;

/// <summary>
/// The help link of a diagnostic: the section of docs/diagnostics.md that explains its ID, at the repository's public
/// address. The address is the build's <c>RepositoryUrl</c>, which the .NET SDK writes into the generator assembly as
/// <c>[AssemblyMetadata("RepositoryUrl", ...)]</c>; while the repository has none, no diagnostic has a help link, rather
/// than one that leads nowhere.
/// </summary>
internal static class HelpLinks
{
    /// <summary>The key of the assembly metadata the .NET SDK writes from <c>$(RepositoryUrl)</c>.</summary>
    public const string RepositoryUrlKey = "RepositoryUrl";

    /// <summary>Where docs/diagnostics.md is, below the repository's address (GitHub's layout, branch main).</summary>
    public const string DocumentPath = "/blob/main/docs/diagnostics.md";

    /// <summary>The repository's public address, or <see langword="null"/> while it has none.</summary>
    public static string? RepositoryUrl { get; } = ReadRepositoryUrl();

    /// <summary>The help link of <paramref name="id"/>, or <see langword="null"/> for none.</summary>
    public static string? For(string id) => For(id, RepositoryUrl);

    /// <summary>
    /// The help link of <paramref name="id"/> in the repository at <paramref name="repositoryUrl"/>: the anchor GitHub
    /// makes of the section heading that is the ID itself (<c>#grpcsrv105</c>).
    /// </summary>
    public static string? For(string id, string? repositoryUrl) =>
        repositoryUrl is null ? null : repositoryUrl.TrimEnd('/') + DocumentPath + "#" + Anchor(id);

    /// <summary>The anchor of the section that explains <paramref name="id"/>.</summary>
    public static string Anchor(string id) => id.ToLowerInvariant();

    private static string? ReadRepositoryUrl()
    {
        foreach (var attribute in typeof(HelpLinks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            // Only a web address: a build that publishes its git remote as RepositoryUrl may give a local path.
            if (attribute.Key == RepositoryUrlKey && attribute.Value is { } value
                && value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
