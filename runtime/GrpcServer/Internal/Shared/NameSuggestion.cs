using System;
using System.Collections.Generic;

namespace GrpcServer.Internal;

/// <summary>
/// Finds the closest of a set of names to a misspelled one, for "did you mean" messages. Shared source (see
/// <see cref="RpcNameIndex{TService}"/>): build time and run time suggest the same name.
/// </summary>
internal static class NameSuggestion
{
    public static string? Closest(string wanted, IReadOnlyList<string> names)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var wantedUpper = wanted.ToUpperInvariant();
        foreach (var name in names)
        {
            if (string.Equals(name, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }

            var distance = Distance(wantedUpper, name.ToUpperInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = name;
            }
        }

        // Beyond about a third of the name, a suggestion is a guess rather than a typo fix.
        return best is not null && bestDistance <= Math.Max(2, wanted.Length / 3) ? best : null;
    }

    /// <summary>
    /// As <see cref="Closest"/>, and otherwise the one package that holds <paramref name="wanted"/> as whole dotted
    /// parts: <c>calc</c> for <c>calc.v1</c>, <c>v1</c> for <c>calc.v1</c>. A package written without its version is
    /// far from the declared one by spelling, yet plainly meant.
    /// </summary>
    public static string? ClosestPackage(string wanted, IReadOnlyList<string> packages)
    {
        if (Closest(wanted, packages) is { } closest)
        {
            return closest;
        }

        string? found = null;
        foreach (var package in packages)
        {
            if (wanted.Length > 0 && ("." + package + ".").IndexOf("." + wanted + ".", StringComparison.Ordinal) >= 0)
            {
                if (found is not null && found != package)
                {
                    return null;
                }

                found = package;
            }
        }

        return found;
    }

    /// <summary>Levenshtein distance with adjacent transpositions (optimal string alignment).</summary>
    internal static int Distance(string a, string b)
    {
        var rows = new int[3][];
        for (var i = 0; i < 3; i++)
        {
            rows[i] = new int[b.Length + 1];
        }

        for (var j = 0; j <= b.Length; j++)
        {
            rows[0][j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            // Row i lives at rows[i % 3]; rows i-1 and i-2 are the other two.
            var current = rows[i % 3];
            var previous = rows[(i + 2) % 3];
            var previous2 = rows[(i + 1) % 3];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
            }
        }

        return rows[a.Length % 3][b.Length];
    }
}
