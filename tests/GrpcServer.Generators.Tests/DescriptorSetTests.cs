using System.Collections.Immutable;
using Google.Protobuf.Reflection;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;
using GrpcServer.Generators.Resolution;
using GrpcServer.Generators.Tests.Infrastructure;

namespace GrpcServer.Generators.Tests;

/// <summary>
/// Differential tests against protoc's own reading of the same files (its FileDescriptorSet, with
/// source info): every type, enum value, service, rpc, resolved request/response and doc comment
/// must be what protoc says.
/// </summary>
public sealed class DescriptorSetTests
{
    /// <summary>Every .proto file under Protos/, the realistic ones and the language corpus.</summary>
    public static readonly string[] Corpus =
    [
        .. ProtocCompileTests.ProtoFiles,
        "language/proto2_kitchen.proto",
        "language/editions.proto",
        "language/chain/a.proto",
        "language/chain/b.proto",
        "language/chain/c.proto",
        "language/uses_chain.proto",
        "language/scoping.proto",
    ];

    private static readonly Lazy<FileDescriptorSet> s_protoc = new(() =>
        FileDescriptorSet.Parser.ParseFrom(Protoc.GenerateDescriptorSet(TestPaths.ProtosDirectory, Corpus)));

    private static readonly Lazy<(Dictionary<string, ProtoFileSpec> Specs, ResolutionResult Result)> s_ours = new(() =>
    {
        var specs = Corpus.ToDictionary(
            path => path,
            path => ProtoFileSpecBuilder.Build(new ProtoFileInput(
                Path.Combine(TestPaths.ProtosDirectory, path),
                path,
                new EquatableArray<string>([TestPaths.ProtosDirectory.Replace('\\', '/')]),
                File.ReadAllText(Path.Combine(TestPaths.ProtosDirectory, path)))));
        return (specs, ProtoResolver.Resolve([.. specs.Values]));
    });

    public static TheoryData<string> CorpusFiles() => [.. Corpus];

    [Fact]
    public void The_corpus_has_no_diagnostics()
    {
        Assert.Empty(s_ours.Value.Result.Diagnostics.Select(d => $"{d.Id} {d.FilePath} {d.Span}: {string.Join(", ", d.Arguments)}"));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Declares_the_types_protoc_declares(string file)
    {
        var expected = new List<(string, ProtoTypeKind)>();
        var descriptor = ProtocFile(file);
        var prefix = descriptor.Package.Length == 0 ? "" : descriptor.Package + ".";
        CollectTypes(descriptor.MessageType, descriptor.EnumType, prefix, expected);

        var actual = s_ours.Value.Specs[file].Types.Select(t => (t.FullName, t.Kind));

        Assert.Equal(expected.Order(), actual.Order());
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Declares_the_enum_values_protoc_declares(string file)
    {
        var expected = new List<string>();
        var descriptor = ProtocFile(file);
        var prefix = descriptor.Package.Length == 0 ? "" : descriptor.Package + ".";
        CollectEnumValues(descriptor.MessageType, descriptor.EnumType, prefix, expected);

        Assert.Equal(expected.Order(StringComparer.Ordinal), s_ours.Value.Specs[file].EnumValues.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Resolves_each_rpc_to_the_messages_protoc_resolves(string file)
    {
        var descriptor = ProtocFile(file);
        var expected = descriptor.Service.SelectMany(s => s.Method.Select(m => (
            Service: s.Name,
            Rpc: m.Name,
            Kind: (m.ClientStreaming, m.ServerStreaming) switch
            {
                (false, false) => RpcKind.Unary,
                (false, true) => RpcKind.ServerStreaming,
                (true, false) => RpcKind.ClientStreaming,
                _ => RpcKind.DuplexStreaming,
            },
            Request: ExpectedClassName(m.InputType),
            Response: ExpectedClassName(m.OutputType))));

        var model = s_ours.Value.Result.Model.Files.SingleOrDefault(f => f.ProtoPath == file);
        var actual = model is null
            ? []
            : model.Services.SelectMany(s => s.Rpcs.Select(r => (Service: s.Name, Rpc: r.Name, r.Kind, Request: r.RequestType, Response: r.ResponseType)));

        Assert.Equal(expected, actual);
        Assert.Equal(descriptor.Package, s_ours.Value.Specs[file].Package);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Keeps_the_leading_comments_protoc_keeps_for_services_and_rpcs(string file)
    {
        var descriptor = ProtocFile(file);
        var comments = descriptor.SourceCodeInfo.Location
            .Where(l => l.HasLeadingComments)
            .ToDictionary(l => string.Join(",", l.Path), l => CommentText.Normalize(l.LeadingComments.Split('\n')));
        var expected = new List<string?>();
        var actual = new List<string?>();
        var spec = s_ours.Value.Specs[file];
        for (var s = 0; s < descriptor.Service.Count; s++)
        {
            // FileDescriptorProto.service = 6, ServiceDescriptorProto.method = 2.
            expected.Add(comments.GetValueOrDefault($"6,{s}"));
            actual.Add(spec.Services[s].Comment);
            for (var m = 0; m < descriptor.Service[s].Method.Count; m++)
            {
                expected.Add(comments.GetValueOrDefault($"6,{s},2,{m}"));
                actual.Add(spec.Services[s].Rpcs[m].Comment);
            }
        }

        Assert.Equal(expected, actual);
    }

    private static FileDescriptorProto ProtocFile(string file) => s_protoc.Value.File.Single(f => f.Name == file);

    /// <summary>The C# class protoc generates for a fully qualified type (<c>.pkg.Outer.Inner</c>).</summary>
    private static string ExpectedClassName(string protoName)
    {
        var fullName = protoName.TrimStart('.');
        var declaring = s_protoc.Value.File.Single(f =>
        {
            var prefix = f.Package.Length == 0 ? "" : f.Package + ".";
            var types = new List<(string, ProtoTypeKind)>();
            CollectTypes(f.MessageType, f.EnumType, prefix, types);
            return types.Any(t => t.Item1 == fullName);
        });
        var ns = declaring.Options?.HasCsharpNamespace == true
            ? declaring.Options.CsharpNamespace
            : string.Join(".", declaring.Package.Split('.').Select(PascalCase));
        var relative = declaring.Package.Length == 0 ? fullName : fullName[(declaring.Package.Length + 1)..];
        return "global::" + (ns.Length == 0 ? "" : ns + ".") + relative.Replace(".", ".Types.");
    }

    /// <summary>Independent of the generator: <c>common_types</c> to <c>CommonTypes</c>, <c>v2beta</c> to <c>V2Beta</c>.</summary>
    private static string PascalCase(string part)
    {
        var result = new System.Text.StringBuilder();
        var upper = true;
        foreach (var c in part)
        {
            if (char.IsAsciiLetter(c))
            {
                result.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else if (char.IsAsciiDigit(c))
            {
                result.Append(c);
                upper = true;
            }
            else
            {
                upper = true;
            }
        }

        return result.ToString();
    }

    private static void CollectTypes(IEnumerable<DescriptorProto> messages, IEnumerable<EnumDescriptorProto> enums, string prefix, List<(string, ProtoTypeKind)> types)
    {
        foreach (var message in messages.Where(m => m.Options?.MapEntry != true))
        {
            types.Add((prefix + message.Name, ProtoTypeKind.Message));
            CollectTypes(message.NestedType, message.EnumType, prefix + message.Name + ".", types);
        }

        types.AddRange(enums.Select(e => (prefix + e.Name, ProtoTypeKind.Enum)));
    }

    private static void CollectEnumValues(IEnumerable<DescriptorProto> messages, IEnumerable<EnumDescriptorProto> enums, string prefix, List<string> values)
    {
        foreach (var message in messages)
        {
            CollectEnumValues(message.NestedType, message.EnumType, prefix + message.Name + ".", values);
        }

        values.AddRange(enums.SelectMany(e => e.Value.Select(v => prefix + v.Name)));
    }
}
