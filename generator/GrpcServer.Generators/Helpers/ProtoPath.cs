using System;
using System.Collections.Generic;

namespace GrpcServer.Generators.Helpers;

/// <summary>
/// Path arithmetic on strings only (the generator never touches the file system): separators
/// become <c>/</c>, <c>.</c> and <c>..</c> segments are folded.
/// </summary>
internal static class ProtoPath
{
    /// <summary>Whether a path is absolute: <c>/x</c>, <c>C:/x</c> or <c>//server/x</c>.</summary>
    public static bool IsRooted(string path) =>
        path.StartsWith("/", StringComparison.Ordinal) || path.StartsWith("\\", StringComparison.Ordinal) ||
        (path.Length >= 2 && path[1] == ':' && char.IsLetter(path[0]));

    /// <summary>Uses <c>/</c> separators, folds <c>.</c> and <c>..</c> and drops a trailing separator.</summary>
    public static string Normalize(string path)
    {
        var unified = path.Replace('\\', '/');
        var prefix = string.Empty;
        if (unified.StartsWith("//", StringComparison.Ordinal))
        {
            prefix = "//";
        }
        else if (unified.StartsWith("/", StringComparison.Ordinal))
        {
            prefix = "/";
        }
        else if (unified.Length >= 2 && unified[1] == ':' && char.IsLetter(unified[0]))
        {
            prefix = unified.Substring(0, 2) + "/";
            unified = unified.Substring(2);
        }

        var parts = new List<string>();
        foreach (var part in unified.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".." || prefix.Length == 0)
            {
                parts.Add(part);
            }
        }

        return prefix + string.Join("/", parts);
    }

    /// <summary>Joins a directory and a path (returned as is, normalized, when already rooted).</summary>
    public static string Combine(string directory, string path) =>
        IsRooted(path) || directory.Length == 0 ? Normalize(path) : Normalize(directory + "/" + path);

    /// <summary>The path of <paramref name="path"/> below <paramref name="directory"/>, or <c>null</c> when it is not below it.</summary>
    public static string? GetRelativePath(string directory, string path)
    {
        var dir = Normalize(directory);
        var full = Normalize(path);
        if (dir.Length == 0)
        {
            return null;
        }

        // Windows paths compare without case, others with it.
        var comparison = dir.Length >= 2 && dir[1] == ':' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var withSlash = dir.EndsWith("/", StringComparison.Ordinal) ? dir : dir + "/";
        return full.StartsWith(withSlash, comparison) && full.Length > withSlash.Length ? full.Substring(withSlash.Length) : null;
    }

    public static string GetFileName(string path)
    {
        var normalized = path.Replace('\\', '/');
        var slash = normalized.LastIndexOf('/');
        return slash < 0 ? normalized : normalized.Substring(slash + 1);
    }

    public static string GetDirectory(string path)
    {
        var normalized = Normalize(path);
        var slash = normalized.LastIndexOf('/');
        return slash <= 0 ? (slash == 0 ? "/" : string.Empty) : normalized.Substring(0, slash);
    }
}
