using System.Globalization;
using System.Text;
using GrpcServer.Benchmarks.Generator;

namespace GrpcServer.Benchmarks.Scale;

/// <summary>The four kinds of RPC, in the corpus's rotation.</summary>
internal enum ScaleRpcKind
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}

/// <summary>One RPC of a scale project, with the C# names both forms use for it.</summary>
/// <param name="File">The index of its .proto file (one service per file).</param>
/// <param name="Namespace">The C# namespace of its file's messages and descriptors.</param>
internal sealed record ScaleRpc(int File, string Namespace, string Service, string Name, ScaleRpcKind Kind, string Request, string Response)
{
    /// <summary>A C# identifier unique to the RPC, for method names.</summary>
    public string Id => Service + Name;
}

/// <summary>
/// The .proto files of a scale project: <c>rpcs / 5</c> files (200 at 1,000 RPCs), one service of five RPCs each
/// (the four kinds in rotation), six messages per file with a nested message, an enum, a map, a oneof and a field
/// of the previous file's type, so that protoc's output and the generator's resolution do realistic work. RPC r of
/// a file takes its message r and answers its message r + 1, so every RPC has a handler shape of its own (the
/// generator corpus has 900 shapes for 1,000 RPCs); one RPC in ten files answers <c>google.protobuf.Empty</c>. Every name is one that
/// protoc keeps as it is in C#, so the C# sources can name the types without protoc's naming rules.
/// </summary>
internal static class ScaleCorpus
{
    public const int RpcsPerFile = 5;
    public const int MessagesPerFile = RpcsPerFile + 1;
    private const int Packages = 5;

    public static IReadOnlyList<ProtoSource> Files(int rpcCount)
    {
        var files = new List<ProtoSource>();
        for (var i = 0; i < rpcCount / RpcsPerFile; i++)
        {
            files.Add(new ProtoSource($"p{i % Packages}/file{i:000}.proto", FileText(i)));
        }

        return files;
    }

    public static IReadOnlyList<ScaleRpc> Rpcs(int rpcCount)
    {
        var rpcs = new List<ScaleRpc>();
        for (var i = 0; i < rpcCount / RpcsPerFile; i++)
        {
            for (var r = 0; r < RpcsPerFile; r++)
            {
                rpcs.Add(new ScaleRpc(i, Namespace(i), $"Service{i}", $"Call{r}", Kind(i, r), Message(i, r), Response(i, r)));
            }
        }

        return rpcs;
    }

    /// <summary>The C# namespaces of a project of <paramref name="rpcCount"/> RPCs.</summary>
    public static IEnumerable<string> Namespaces(int rpcCount) => Enumerable.Range(0, Math.Min(Packages, rpcCount / RpcsPerFile)).Select(Namespace);

    private static string Namespace(int file) => "Scale.P" + (file % Packages).ToString(CultureInfo.InvariantCulture);

    private static ScaleRpcKind Kind(int file, int rpc) => (ScaleRpcKind)(((file * RpcsPerFile) + rpc) % 4);

    private static string Message(int file, int m) => $"F{file}M{m}";

    private static bool AnswersEmpty(int file, int rpc) => file % 10 == 0 && rpc == 1;

    private static string Response(int file, int rpc) =>
        AnswersEmpty(file, rpc) ? "Google.Protobuf.WellKnownTypes.Empty" : Message(file, rpc + 1);

    private static string FileText(int i)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder(4096);
        text.Append("// Scale project file ").Append(i.ToString(invariant)).Append(".\n");
        text.Append("syntax = \"proto3\";\n\n");
        text.Append("package scale.p").Append((i % Packages).ToString(invariant)).Append(";\n\n");
        text.Append("option csharp_namespace = \"").Append(Namespace(i)).Append("\";\n\n");
        if (i > 0)
        {
            text.Append("import \"p").Append(((i - 1) % Packages).ToString(invariant)).Append("/file").Append((i - 1).ToString("000", invariant)).Append(".proto\";\n");
        }

        if (i % 10 == 0)
        {
            text.Append("import \"google/protobuf/empty.proto\";\n");
        }

        text.Append('\n');
        for (var m = 0; m < MessagesPerFile; m++)
        {
            text.Append("// Message ").Append(m.ToString(invariant)).Append(" of file ").Append(i.ToString(invariant)).Append(".\n");
            text.Append("message ").Append(Message(i, m)).Append(" {\n");
            text.Append("  string id = 1;\n");
            text.Append("  int32 count = 2;\n");
            text.Append("  repeated string tags = 3;\n");
            text.Append("  map<string, int64> totals = 4;\n");
            text.Append("  Detail detail = 5;\n");
            text.Append("  State").Append(i.ToString(invariant)).Append(" state = 6;\n");
            text.Append("  oneof choice {\n    string text = 7;\n    bytes data = 8;\n  }\n");
            if (i > 0)
            {
                text.Append("  .scale.p").Append(((i - 1) % Packages).ToString(invariant)).Append('.').Append(Message(i - 1, m)).Append(" previous = 9;\n");
            }

            text.Append("  message Detail {\n    double value = 1;\n    optional string note = 2;\n  }\n");
            text.Append("}\n\n");
        }

        // Enum values are scoped to the package, as in C++: each file's values get its own prefix.
        var state = "STATE" + i.ToString(invariant);
        text.Append("enum State").Append(i.ToString(invariant)).Append(" {\n");
        text.Append("  ").Append(state).Append("_UNSPECIFIED = 0;\n  ").Append(state).Append("_ACTIVE = 1;\n}\n\n");

        text.Append("// Service of file ").Append(i.ToString(invariant)).Append(".\n");
        text.Append("service Service").Append(i.ToString(invariant)).Append(" {\n");
        for (var r = 0; r < RpcsPerFile; r++)
        {
            var (requestStream, responseStream) = Kind(i, r) switch
            {
                ScaleRpcKind.Unary => ("", ""),
                ScaleRpcKind.ServerStreaming => ("", "stream "),
                ScaleRpcKind.ClientStreaming => ("stream ", ""),
                _ => ("stream ", "stream "),
            };
            var response = AnswersEmpty(i, r) ? "google.protobuf.Empty" : Message(i, r + 1);
            text.Append("  // Call ").Append(r.ToString(invariant)).Append(".\n");
            text.Append("  rpc Call").Append(r.ToString(invariant)).Append(" (").Append(requestStream).Append(Message(i, r))
                .Append(") returns (").Append(responseStream).Append(response).Append(");\n");
        }

        text.Append("}\n");
        return text.ToString();
    }
}
