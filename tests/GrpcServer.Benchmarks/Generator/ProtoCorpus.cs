using System.Globalization;
using System.Text;

namespace GrpcServer.Benchmarks.Generator;

/// <summary>One .proto file of the corpus: the path other files import it by, and its text.</summary>
internal sealed record ProtoSource(string ImportPath, string Text);

/// <summary>
/// A synthetic but realistic .proto corpus, made at run time and the same on every run: 100 files in five
/// packages (one folder each), 10 RPCs per file in two services (all four kinds), 10 messages per file with
/// nested messages and enums, oneofs, maps, repeated fields, comments, imports of earlier files in the same
/// and in other packages, and the well-known types in every tenth file.
/// </summary>
internal static class ProtoCorpus
{
    public const int FileCount = 100;
    public const int MessagesPerFile = 10;
    public const int RpcsPerFile = 10;

    private static readonly string[] s_packages = ["alpha", "beta", "gamma", "delta", "epsilon"];

    public static IReadOnlyList<ProtoSource> Create()
    {
        var files = new List<ProtoSource>(FileCount);
        for (var i = 0; i < FileCount; i++)
        {
            files.Add(new ProtoSource(ImportPath(i), FileText(i)));
        }

        return files;
    }

    public static int RpcCount => FileCount * RpcsPerFile;

    public static long Bytes(IReadOnlyList<ProtoSource> corpus)
    {
        long bytes = 0;
        foreach (var file in corpus)
        {
            bytes += Encoding.UTF8.GetByteCount(file.Text);
        }

        return bytes;
    }

    public static string ImportPath(int file) => $"{PackageFolder(file)}/file_{file:000}.proto";

    /// <summary>
    /// The file's text with one RPC renamed (<paramref name="variant"/> picks the name): an edit that changes the
    /// generated code of that file and the catalogue.
    /// </summary>
    public static string WithRenamedRpc(string text, int variant) =>
        ReplaceFirst(text, "rpc Get0 (", $"rpc Get0Renamed{variant} (");

    /// <summary>The file's text with a field added to a message: an edit that changes no generated code.</summary>
    public static string WithAddedField(string text, int variant) =>
        ReplaceFirst(text, "  string id = 1;\n", $"  string id = 1;\n  int64 added_{variant} = 99;\n");

    private static string ReplaceFirst(string text, string find, string replacement)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return at < 0
            ? throw new InvalidOperationException($"The corpus file has no '{find}' to edit.")
            : string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + find.Length));
    }

    private static string PackageFolder(int file) => s_packages[file % s_packages.Length];

    private static string Package(int file) => "corpus." + PackageFolder(file);

    private static string FileText(int i)
    {
        var text = new StringBuilder(8 * 1024);
        var invariant = CultureInfo.InvariantCulture;
        text.Append("// Benchmark corpus file ").Append(i.ToString(invariant)).Append(" of ").Append(FileCount.ToString(invariant)).Append(".\n");
        text.Append("syntax = \"proto3\";\n\n");
        text.Append("package ").Append(Package(i)).Append(";\n\n");

        // Imports: the previous file (often another package), one further back, and the well-known types now and then.
        var imports = new SortedSet<int>();
        if (i > 0)
        {
            imports.Add(i - 1);
            imports.Add(i / 2);
        }

        foreach (var import in imports)
        {
            text.Append("import \"").Append(ImportPath(import)).Append("\";\n");
        }

        var wellKnown = i % 10 == 0;
        if (wellKnown)
        {
            text.Append("import \"google/protobuf/timestamp.proto\";\n");
            text.Append("import \"google/protobuf/empty.proto\";\n");
        }

        text.Append('\n');
        if (i % 4 == 3)
        {
            text.Append("option csharp_namespace = \"Corpus.Custom").Append(i.ToString(invariant)).Append("\";\n\n");
        }

        for (var m = 0; m < MessagesPerFile; m++)
        {
            AppendMessage(text, i, m, imports, wellKnown);
        }

        AppendEnum(text, i);
        AppendService(text, i, "A", 0, imports, wellKnown);
        AppendService(text, i, "B", RpcsPerFile / 2, imports, wellKnown);
        return text.ToString();
    }

    private static void AppendMessage(StringBuilder text, int file, int m, SortedSet<int> imports, bool wellKnown)
    {
        var invariant = CultureInfo.InvariantCulture;
        text.Append("// Message ").Append(m.ToString(invariant)).Append(" of file ").Append(file.ToString(invariant)).Append(": a record with a nested type.\n");
        text.Append("message Msg").Append(file.ToString(invariant)).Append('_').Append(m.ToString(invariant)).Append(" {\n");
        text.Append("  string id = 1;\n");
        text.Append("  int32 count = 2;\n");
        text.Append("  repeated string tags = 3;\n");
        text.Append("  map<string, int64> totals = 4;\n");
        text.Append("  Detail detail = 5;\n");
        text.Append("  Status").Append(file.ToString(invariant)).Append(" status = 6;\n");
        text.Append("  oneof choice {\n");
        text.Append("    string text = 7;\n");
        text.Append("    bytes data = 8;\n");
        text.Append("    Detail.Kind kind = 9;\n");
        text.Append("  }\n");
        if (imports.Count > 0)
        {
            // A fully qualified reference into an imported file, and a package-relative one within the file.
            var other = imports.Max;
            text.Append("  .").Append(Package(other)).Append(".Msg").Append(other.ToString(invariant)).Append('_').Append(m.ToString(invariant)).Append(" imported = 10;\n");
        }

        if (m > 0)
        {
            text.Append("  Msg").Append(file.ToString(invariant)).Append('_').Append((m - 1).ToString(invariant)).Append(" previous = 11;\n");
        }

        if (wellKnown)
        {
            text.Append("  google.protobuf.Timestamp at = 12;\n");
        }

        text.Append("  reserved 20 to 29;\n\n");
        text.Append("  /* A nested message. */\n");
        text.Append("  message Detail {\n");
        text.Append("    enum Kind {\n");
        text.Append("      KIND_UNSPECIFIED = 0;\n");
        text.Append("      KIND_SMALL = 1;\n");
        text.Append("      KIND_LARGE = 2;\n");
        text.Append("    }\n");
        text.Append("    double value = 1;\n");
        text.Append("    repeated fixed64 samples = 2 [packed = true];\n");
        text.Append("    optional string note = 3;\n");
        text.Append("  }\n");
        text.Append("}\n\n");
    }

    private static void AppendEnum(StringBuilder text, int file)
    {
        text.Append("// The status of a record.\n");
        text.Append("enum Status").Append(file.ToString(CultureInfo.InvariantCulture)).Append(" {\n");
        text.Append("  option allow_alias = true;\n");
        // Enum values are scoped to the package, as in C++: each file's values get its own prefix.
        var prefix = "  STATUS" + file.ToString(CultureInfo.InvariantCulture);
        text.Append(prefix).Append("_UNSPECIFIED = 0;\n");
        text.Append(prefix).Append("_ACTIVE = 1;\n");
        text.Append(prefix).Append("_LIVE = 1;\n");
        text.Append(prefix).Append("_RETIRED = 2 [deprecated = true];\n");
        text.Append("}\n\n");
    }

    private static void AppendService(StringBuilder text, int file, string suffix, int first, SortedSet<int> imports, bool wellKnown)
    {
        var invariant = CultureInfo.InvariantCulture;
        text.Append("// Service ").Append(suffix).Append(" of file ").Append(file.ToString(invariant)).Append(".\n");
        text.Append("service Service").Append(file.ToString(invariant)).Append(suffix).Append(" {\n");
        for (var r = first; r < first + RpcsPerFile / 2; r++)
        {
            var request = "Msg" + file.ToString(invariant) + "_" + r.ToString(invariant);
            var response = imports.Count > 0 && r % 3 == 0
                ? Package(imports.Min) + ".Msg" + imports.Min.ToString(invariant) + "_" + r.ToString(invariant)
                : "Msg" + file.ToString(invariant) + "_" + ((r + 1) % MessagesPerFile).ToString(invariant) + ".Detail";
            if (wellKnown && r == first + 1)
            {
                response = "google.protobuf.Empty";
            }

            var (requestStream, responseStream) = (r % 4) switch
            {
                0 => ("", ""),
                1 => ("", "stream "),
                2 => ("stream ", ""),
                _ => ("stream ", "stream "),
            };
            text.Append("  // Call ").Append(r.ToString(invariant)).Append(": takes a ").Append(request).Append(".\n");
            text.Append("  rpc Get").Append(r.ToString(invariant)).Append(" (").Append(requestStream).Append(request)
                .Append(") returns (").Append(responseStream).Append(response).Append(")");
            if (r % 5 == 4)
            {
                text.Append(" {\n    option deprecated = true;\n  }\n");
            }
            else
            {
                text.Append(";\n");
            }
        }

        text.Append("}\n\n");
    }
}
