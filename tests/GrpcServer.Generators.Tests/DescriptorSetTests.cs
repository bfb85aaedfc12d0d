using System.Collections.Immutable;
using Google.Protobuf.Reflection;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;
using GrpcServer.Generators.Resolution;
using GrpcServer.Generators.Tests.Infrastructure;
using GrpcServer.Internal;

namespace GrpcServer.Generators.Tests;

/// <summary>
/// Differential tests against protoc's own reading of the same files (its FileDescriptorSet, with
/// source info): every type, enum value, service, rpc, resolved request/response and doc comment
/// must be what protoc says.
/// </summary>
public sealed class DescriptorSetTests
{
    /// <summary>Every .proto file under Protos/ (paths relative to it), in ordinal order: a file added there is tested here.</summary>
    public static readonly string[] Corpus =
        Directory.EnumerateFiles(TestPaths.ProtosDirectory, "*.proto", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(TestPaths.ProtosDirectory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static readonly Lazy<FileDescriptorSet> s_protoc = new(() =>
        FileDescriptorSet.Parser.ParseFrom(Protoc.GenerateDescriptorSet(TestPaths.ProtosDirectory, Corpus)));

    /// <summary>protoc's descriptors of the whole corpus (with the well-known files it imports).</summary>
    internal static FileDescriptorSet ProtocDescriptors => s_protoc.Value;

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
    public void The_corpus_is_thirty_files_or_more_and_covers_the_language()
    {
        // Read from protoc's descriptors, so a feature counts only if protoc accepted it.
        var files = Corpus.Select(ProtocFile).ToList();
        var messages = files.SelectMany(f => Flatten(f.MessageType)).ToList();
        var fields = messages.SelectMany(m => m.Field.Concat(m.Extension)).Concat(files.SelectMany(f => f.Extension)).ToList();
        var enums = files.SelectMany(f => f.EnumType).Concat(messages.SelectMany(m => m.EnumType)).ToList();
        var services = files.SelectMany(f => f.Service.Select(s => (f.Package, Service: s))).ToList();
        var methods = services.SelectMany(s => s.Service.Method).ToList();
        var rpcTypes = methods.SelectMany(m => new[] { m.InputType, m.OutputType }).ToList();
        var mapValues = messages.Where(m => m.Options?.MapEntry == true).Select(m => m.Field.Single(f => f.Number == 2).Type).ToList();
        var comments = files.SelectMany(f => f.SourceCodeInfo.Location).ToList();

        var features = new (string Feature, bool Covered)[]
        {
            ("proto2", files.Any(f => f.Syntax is "" or "proto2")),
            ("proto3", files.Any(f => f.Syntax == "proto3")),
            ("edition 2023", files.Any(f => f.Syntax == "editions" && f.Edition == Edition._2023)),
            ("edition 2024", files.Any(f => f.Syntax == "editions" && f.Edition == Edition._2024)),
            ("import public", files.Any(f => f.PublicDependency.Count > 0)),
            ("import weak", files.Any(f => f.WeakDependency.Count > 0)),
            ("import option", files.Any(f => f.OptionDependency.Count > 0)),
            ("services in a file without a package", files.Any(f => f.Package.Length == 0 && f.Service.Count > 0)),
            ("csharp_namespace", files.Any(f => f.Options?.HasCsharpNamespace == true && f.Options.CsharpNamespace.Length > 0)),
            ("empty csharp_namespace", files.Any(f => f.Options?.HasCsharpNamespace == true && f.Options.CsharpNamespace.Length == 0)),
            ("package with underscores and digits", files.Any(f => f.Package.Count(c => c == '_') >= 2 && f.Package.Any(char.IsAsciiDigit))),
            ("required fields", fields.Any(f => f.Label == FieldDescriptorProto.Types.Label.Required)),
            ("default values", fields.Any(f => f.HasDefaultValue)),
            ("groups", fields.Any(f => f.Type == FieldDescriptorProto.Types.Type.Group)),
            ("extensions at file and message scope", files.Any(f => f.Extension.Count > 0) && messages.Any(m => m.Extension.Count > 0)),
            ("extension ranges", messages.Any(m => m.ExtensionRange.Count > 0)),
            ("custom options of every element kind", new[] { "File", "Message", "Field", "Oneof", "Enum", "EnumValue", "Service", "Method", "ExtensionRange" }
                .All(kind => files.Any(f => f.Extension.Any(e => e.Extendee == $".google.protobuf.{kind}Options"))) && files.Any(f => f.Dependency.Any(d => d.EndsWith("annotations.proto", StringComparison.Ordinal)))),
            ("maps of messages", mapValues.Contains(FieldDescriptorProto.Types.Type.Message)),
            ("maps of enums", mapValues.Contains(FieldDescriptorProto.Types.Type.Enum)),
            ("oneofs", messages.Any(m => m.OneofDecl.Count > 1)),
            ("reserved numbers and names", messages.Any(m => m.ReservedRange.Count > 0 && m.ReservedName.Count > 0)),
            ("reserved enum numbers and names", enums.Any(e => e.ReservedRange.Count > 0 && e.ReservedName.Count > 0)),
            ("allow_alias", enums.Any(e => e.Options?.AllowAlias == true)),
            ("unary rpcs", methods.Any(m => !m.ClientStreaming && !m.ServerStreaming)),
            ("server streaming rpcs", methods.Any(m => !m.ClientStreaming && m.ServerStreaming)),
            ("client streaming rpcs", methods.Any(m => m.ClientStreaming && !m.ServerStreaming)),
            ("bidirectional streaming rpcs", methods.Any(m => m.ClientStreaming && m.ServerStreaming)),
            ("the same service name in two packages", services.GroupBy(s => s.Service.Name).Any(g => g.Select(s => s.Package).Distinct().Count() > 1)),
            ("rpc types nested four levels or more", rpcTypes.Any(t => NestingDepth(t) >= 4)),
            ("rpc types at several depths", rpcTypes.Select(NestingDepth).Distinct().Count() >= 4),
            ("lower-case and underscore rpc types", rpcTypes.Any(t => char.IsAsciiLetterLower(t[(t.LastIndexOf('.') + 1)..][0])) && rpcTypes.Any(t => t[(t.LastIndexOf('.') + 1)..].StartsWith('_'))),
            ("well-known rpc types", new[] { "Empty", "Timestamp", "Any", "Struct", "StringValue", "Duration", "FieldMask" }.All(t => rpcTypes.Contains(".google.protobuf." + t))),
            ("rpc types of other packages", services.Any(s => s.Service.Method.Any(m => !m.InputType.StartsWith("." + s.Package + ".", StringComparison.Ordinal) && !m.InputType.StartsWith(".google.", StringComparison.Ordinal)))),
            ("rpcs named like members of object", methods.Any(m => m.Name is "ToString" or "Equals" or "GetHashCode" or "GetType")),
            ("trailing and detached comments", comments.Any(l => l.HasTrailingComments) && comments.Any(l => l.LeadingDetachedComments.Count > 0)),
        };

        Assert.True(Corpus.Length >= 30, $"The corpus has {Corpus.Length} files; it should have 30 or more.");
        Assert.Empty(features.Where(f => !f.Covered).Select(f => f.Feature));
    }

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
        var prefix = descriptor.Package.Length == 0 ? "" : descriptor.Package + ".";
        var expected = descriptor.Service.SelectMany(s => s.Method.Select(m => (
            Service: prefix + s.Name,
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
            : model.Services.SelectMany(s => s.Rpcs.Select(r => (Service: s.FullName, Rpc: r.Name, r.Kind, Request: r.RequestType, Response: r.ResponseType)));

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

    /// <summary>The C# class protoc generates for a fully qualified type (<c>.pkg.Outer.Inner</c>), worked out from protoc's descriptors alone.</summary>
    internal static string ExpectedClassName(string protoName)
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
    internal static string PascalCase(string part)
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

    private static IEnumerable<DescriptorProto> Flatten(IEnumerable<DescriptorProto> messages) =>
        messages.SelectMany(m => Flatten(m.NestedType).Prepend(m));

    /// <summary>How deep a type is nested below its package: <c>.pkg.A</c> is 0, <c>.pkg.A.B</c> is 1.</summary>
    private static int NestingDepth(string protoName)
    {
        var fullName = protoName.TrimStart('.');
        var package = s_protoc.Value.File.Where(f => f.Package.Length == 0 || fullName.StartsWith(f.Package + ".", StringComparison.Ordinal)).Max(f => f.Package.Length);
        return fullName[(package == 0 ? 0 : package + 1)..].Count(c => c == '.');
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
