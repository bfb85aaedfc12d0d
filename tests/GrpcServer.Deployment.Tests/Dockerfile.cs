namespace GrpcServer.Deployment.Tests;

/// <summary>One instruction of a Dockerfile: its keyword (upper case), its arguments, and the stage it belongs to.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, string Stage)
{
    /// <summary>The arguments split on white space, quotes removed (enough for the lines these tests read).</summary>
    public string[] Words => Arguments.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"')).ToArray();
}

/// <summary>
/// A small Dockerfile reader: comments and parser directives dropped, backslash continuations joined, each
/// instruction tagged with its stage (the name after FROM ... AS, else the FROM's index).
/// </summary>
internal static class Dockerfile
{
    public static IReadOnlyList<DockerInstruction> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var stage = "";
        var stages = 0;
        var pending = "";
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].TrimEnd() + " ";
                continue;
            }

            line = pending + line;
            pending = "";
            if (line.Length == 0)
            {
                continue;
            }

            var space = line.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : line[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var at = Array.FindIndex(words, w => w.Equals("AS", StringComparison.OrdinalIgnoreCase));
                stage = at >= 0 && at + 1 < words.Length ? words[at + 1] : stages.ToString(System.Globalization.CultureInfo.InvariantCulture);
                stages++;
            }

            instructions.Add(new DockerInstruction(keyword, arguments, stage));
        }

        return instructions;
    }
}
