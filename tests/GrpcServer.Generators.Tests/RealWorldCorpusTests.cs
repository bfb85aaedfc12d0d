using System.Reflection;
using Google.Protobuf.Reflection;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Resolution;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace GrpcServer.Generators.Tests;

/// <summary>
/// Public .proto sets that ship in NuGet packages, each read whole by protoc (from Grpc.Tools) and by the generator's
/// front end: protoc accepts every file, so we must report no error; and every message, enum and rpc type must get
/// the C# class name protoc's C# generator gives it. The figures are recorded in docs/real-world-corpora.md.
/// </summary>
public sealed class RealWorldCorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> Corpora() => ["Google.Api.CommonProtos", "Google.Protobuf.Tools", "Grpc.Tools"];

    [Theory]
    [MemberData(nameof(Corpora))]
    public void Protoc_and_the_generator_accept_the_same_files_and_name_every_type_alike(string corpus)
    {
        var root = Root(corpus);
        var files = Directory.EnumerateFiles(root, "*.proto", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);

        // protoc: the whole set in one run; it stops at the first file it rejects, so an accepted run accepts them all.
        var (accepted, errors) = Protoc.Check([root], files, root);
        Assert.True(accepted, $"protoc rejects {corpus}: {errors}");
        var descriptors = FileDescriptorSet.Parser.ParseFrom(Protoc.GenerateDescriptorSet(root, files));

        // A service with every message of the set as an rpc's request and response, so that every message is resolved
        // from another file as an rpc type; protoc must accept it too.
        var messages = descriptors.File.Where(f => files.Contains(f.Name))
            .SelectMany(f => Messages(f.MessageType, f.Package.Length == 0 ? "" : f.Package + "."))
            .ToList();
        var service = new System.Text.StringBuilder("syntax = \"proto3\";\npackage grpcserver.corpus;\n");
        foreach (var file in files)
        {
            service.Append("import \"").Append(file).Append("\";\n");
        }

        service.Append("service EveryMessage {\n");
        for (var i = 0; i < messages.Count; i++)
        {
            service.Append("  rpc M").Append(i).Append("(.").Append(messages[i]).Append(") returns (stream .").Append(messages[i]).Append(");\n");
        }

        service.Append("}\n");
        const string ServiceFile = "grpcserver_every_message.proto";
        var overlay = Directory.CreateTempSubdirectory("grpcserver-corpus-");
        try
        {
            File.WriteAllText(Path.Combine(overlay.FullName, ServiceFile), service.ToString());
            var (serviceAccepted, serviceErrors) = Protoc.Check([overlay.FullName, root], [ServiceFile], overlay.FullName);
            Assert.True(serviceAccepted, serviceErrors);
        }
        finally
        {
            overlay.Delete(recursive: true);
        }

        // Ours: every file as an AdditionalFile below its root, and the service beside them.
        var specs = files.Select(file => ProtoFileSpecBuilder.Build(new ProtoFileInput(
            Path.Combine(root, file).Replace('\\', '/'),
            file,
            new EquatableArray<string>([root.Replace('\\', '/')]),
            File.ReadAllText(Path.Combine(root, file))))).ToList();
        var serviceSpec = ProtoFileSpecBuilder.Build(new ProtoFileInput("/grpcserver/" + ServiceFile, ServiceFile, new EquatableArray<string>([root.Replace('\\', '/')]), service.ToString()));
        var result = ProtoResolver.Resolve([.. specs, serviceSpec]);
        var problems = result.Diagnostics.Where(d => DiagnosticDescriptors.Get(d.Id).DefaultSeverity == DiagnosticSeverity.Error || d.Id == DiagnosticDescriptors.ImportNotFound.Id).ToList();
        var warnings = result.Diagnostics.Count(d => !problems.Contains(d));

        // The C# class of every message and enum, and the request and response classes of every rpc.
        var expectedTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in descriptors.File.Where(f => files.Contains(f.Name)))
        {
            var prefix = file.Package.Length == 0 ? "" : file.Package + ".";
            CollectTypes(file.MessageType, file.EnumType, prefix, file, expectedTypes);
        }

        var actualTypes = specs.SelectMany(s => s.Types).ToDictionary(t => t.FullName, t => t.CSharpName, StringComparer.Ordinal);
        var expectedRpcs = descriptors.File.Where(f => files.Contains(f.Name))
            .SelectMany(f => f.Service.SelectMany(s => s.Method.Select(m => ($"{(f.Package.Length == 0 ? "" : f.Package + ".")}{s.Name}/{m.Name}", ClassName(descriptors, m.InputType), ClassName(descriptors, m.OutputType)))))
            .Concat(messages.Select((m, i) => ($"grpcserver.corpus.EveryMessage/M{i}", ClassName(descriptors, m), ClassName(descriptors, m))))
            .ToList();
        var actualRpcs = result.Model.Files.SelectMany(f => f.Services.SelectMany(s => s.Rpcs.Select(r => ($"{s.FullName}/{r.Name}", r.RequestType, r.ResponseType)))).ToList();

        output.WriteLine($"{corpus}: {files.Count} files, {expectedTypes.Count} messages and enums, {expectedRpcs.Count} rpcs (with one per message); protoc accepts all; we report {problems.Count} errors and {warnings} warnings.");
        Assert.Empty(problems.Select(d => $"{d.Id} {d.FilePath}{d.Span}: {string.Join(" ", d.Arguments)}"));
        Assert.Equal(expectedTypes.OrderBy(p => p.Key, StringComparer.Ordinal), actualTypes.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expectedRpcs.Order(), actualRpcs.Order());
    }

    /// <summary>The folder whose .proto files make up a corpus (the package folders are recorded at build time).</summary>
    private static string Root(string corpus) => corpus switch
    {
        "Google.Api.CommonProtos" => Path.Combine(PackagePath("GoogleApiCommonProtosPath"), "content", "protos"),
        "Google.Protobuf.Tools" => Path.Combine(PackagePath("GoogleProtobufToolsPath"), "tools", "include"),
        _ => Protoc.IncludePath,
    };

    private static string PackagePath(string key) =>
        typeof(RealWorldCorpusTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException(key + " was not recorded at build time.");

    private static IEnumerable<string> Messages(IEnumerable<DescriptorProto> messages, string prefix) =>
        messages.Where(m => m.Options?.MapEntry != true).SelectMany(m => Messages(m.NestedType, prefix + m.Name + ".").Prepend(prefix + m.Name));

    private static void CollectTypes(IEnumerable<DescriptorProto> messages, IEnumerable<EnumDescriptorProto> enums, string prefix, FileDescriptorProto file, Dictionary<string, string> types)
    {
        foreach (var message in messages.Where(m => m.Options?.MapEntry != true))
        {
            types.Add(prefix + message.Name, ClassName(file, prefix + message.Name));
            CollectTypes(message.NestedType, message.EnumType, prefix + message.Name + ".", file, types);
        }

        foreach (var @enum in enums)
        {
            types.Add(prefix + @enum.Name, ClassName(file, prefix + @enum.Name));
        }
    }

    private static string ClassName(FileDescriptorSet set, string protoName)
    {
        var fullName = protoName.TrimStart('.');
        var file = set.File.Where(f => f.Package.Length == 0 || fullName.StartsWith(f.Package + ".", StringComparison.Ordinal))
            .First(f => Declares(f, fullName));
        return ClassName(file, fullName);
    }

    private static bool Declares(FileDescriptorProto file, string fullName)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        CollectTypes(file.MessageType, file.EnumType, file.Package.Length == 0 ? "" : file.Package + ".", file, types);
        return types.ContainsKey(fullName);
    }

    /// <summary>The class protoc's C# generator makes, from its descriptors alone: the namespace, then nested types under <c>.Types.</c>.</summary>
    private static string ClassName(FileDescriptorProto file, string fullName)
    {
        var ns = file.Options?.HasCsharpNamespace == true ? file.Options.CsharpNamespace : string.Join(".", file.Package.Split('.').Select(DescriptorSetTests.PascalCase));
        var relative = file.Package.Length == 0 ? fullName : fullName[(file.Package.Length + 1)..];
        return "global::" + (ns.Length == 0 ? "" : ns + ".") + relative.Replace(".", ".Types.");
    }
}
