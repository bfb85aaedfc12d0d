using System;
using System.Collections.Generic;
using System.Threading;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Checks;

/// <summary>
/// Finds the message classes (Grpc.Tools' C# output) that the generated code would use but the compilation lacks:
/// Grpc.Tools is not referenced, or a .proto file is an AdditionalFile but not a <c>Protobuf</c> item. The services of
/// such files are left out, and one error (GRPCSRV201) says what the project file needs, instead of dozens of CS0234
/// errors inside the generated files.
/// </summary>
/// <remarks>
/// A step of its own, with its own output, beside the parse-and-resolve pipeline. The class names come from the model
/// (no compilation); only the look-up sees the compilation, and its result is a small equatable value, so a C# edit
/// re-runs the look-up (a few symbol look-ups per .proto file) and nothing after it unless the answer changed.
/// </remarks>
internal static class MessageClassCheck
{
    /// <summary>The property Grpc.Tools defines (in its props) in every project that references it; GrpcServer.targets hands it to the compiler.</summary>
    internal const string GrpcToolsKey = "build_property.Protobuf_ToolingRevision";

    /// <summary>Whether the project references Grpc.Tools, from the build property.</summary>
    public static IncrementalValueProvider<bool> GrpcToolsReferenced(IncrementalGeneratorInitializationContext context) =>
        context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(GrpcToolsKey, out var value) && !string.IsNullOrWhiteSpace(value))
            .WithTrackingName(TrackingNames.GrpcToolsReferenced);

    /// <summary>Wires the check: the classes each service file needs, looked up in the compilation.</summary>
    public static IncrementalValueProvider<MessageClassCheckResult> Register(
        IncrementalGeneratorInitializationContext context, IncrementalValueProvider<GenerationModel> model, IncrementalValueProvider<bool> grpcTools)
    {
        var needed = model
            .Select(static (m, _) => NeededClasses(m))
            .WithTrackingName(TrackingNames.MessageClassNames);

        // The combined value holds the compilation, so it is not tracked; the check's result is.
        return needed
            .Combine(grpcTools)
            .Combine(context.CompilationProvider)
            .Select(static (input, cancellationToken) => Check(input.Left.Left, input.Left.Right, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.MessageClassCheck);
    }

    /// <summary>The model without the services of files whose message classes are missing.</summary>
    public static GenerationModel WithoutMissing(GenerationModel model, MessageClassCheckResult check)
    {
        if (check.Files.IsEmpty)
        {
            return model;
        }

        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in check.Files)
        {
            missing.Add(file.HintName);
        }

        var kept = new List<ServiceFileModel>();
        foreach (var file in model.Files)
        {
            if (!missing.Contains(file.HintName))
            {
                kept.Add(file);
            }
        }

        return new GenerationModel(new EquatableArray<ServiceFileModel>(kept));
    }

    /// <summary>The one error for all files whose classes are missing, or <see langword="null"/>.</summary>
    public static Diagnostic? ToDiagnostic(MessageClassCheckResult check)
    {
        if (check.Files.IsEmpty)
        {
            return null;
        }

        var files = new List<string>();
        var classes = new List<string>();
        foreach (var file in check.Files)
        {
            files.Add(file.ProtoPath);
            classes.AddRange(file.MissingClasses);
        }

        var advice = check.GrpcToolsReferenced
            ? $"Grpc.Tools generates them only for the project's Protobuf items: list {(files.Count == 1 ? "it" : "each of them")} in the project file as one, such as {ProjectFileAdvice.ProtobufItem(files[0])}."
            : $"Grpc.Tools generates them from the project's Protobuf items, and the project does not reference it: add {ProjectFileAdvice.GrpcToolsReference} to the project file.";
        return Diagnostic.Create(
            DiagnosticDescriptors.MessageClassesNotFound,
            Location.None,
            List(files, "file", 4),
            List(classes, "class", 3),
            advice);
    }

    /// <summary>For each service file: its hint name, its path, and the classes its generated code names.</summary>
    private static EquatableArray<NeededClasses> NeededClasses(GenerationModel model)
    {
        var result = new List<NeededClasses>(model.Files.Count);
        foreach (var file in model.Files)
        {
            // protoc makes the reflection class and the messages of a file together; a request or response may come
            // from an imported file, so those are looked up too.
            var names = new List<string> { file.ReflectionClass };
            foreach (var service in file.Services)
            {
                foreach (var rpc in service.Rpcs)
                {
                    AddOnce(names, rpc.RequestType);
                    AddOnce(names, rpc.ResponseType);
                }
            }

            result.Add(new NeededClasses(file.HintName, file.ProtoPath, new EquatableArray<string>(names)));
        }

        return new EquatableArray<NeededClasses>(result);
    }

    private static MessageClassCheckResult Check(EquatableArray<NeededClasses> needed, bool grpcToolsReferenced, Compilation compilation, CancellationToken cancellationToken)
    {
        // Without the GrpcServer runtime nothing generated compiles whatever this finds, so there is nothing to spare
        // the user; the generator's own tests run that way, over .proto files alone.
        if (needed.IsEmpty || compilation.GetTypeByMetadataName("GrpcServer.RpcServer") is null)
        {
            return MessageClassCheckResult.None;
        }

        var missingFiles = new List<MissingMessageClasses>();
        foreach (var file in needed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<string>? missing = null;
            foreach (var name in file.ClassNames)
            {
                if (!Exists(compilation, name))
                {
                    (missing ??= []).Add(Display(name));
                }
            }

            if (missing is not null)
            {
                missingFiles.Add(new MissingMessageClasses(file.HintName, file.ProtoPath, new EquatableArray<string>(missing)));
            }
        }

        return missingFiles.Count == 0
            ? MessageClassCheckResult.None
            : new MessageClassCheckResult(new EquatableArray<MissingMessageClasses>(missingFiles), grpcToolsReferenced);
    }

    /// <summary>
    /// Whether the compilation (its sources or a reference) has the type <paramref name="qualifiedName"/>, written as the
    /// model writes it (<c>global::Calc.V1.ComputeRequest</c>, nested types as <c>Outer.Types.Inner</c>): walked part by
    /// part from the global namespace, because the string does not say where the namespace ends.
    /// </summary>
    private static bool Exists(Compilation compilation, string qualifiedName)
    {
        INamespaceOrTypeSymbol current = compilation.GlobalNamespace;
        foreach (var part in Display(qualifiedName).Split('.'))
        {
            var name = part.Length > 0 && part[0] == '@' ? part.Substring(1) : part;
            INamespaceOrTypeSymbol? next = null;
            foreach (var member in current.GetMembers(name))
            {
                if (member is INamespaceSymbol || member is INamedTypeSymbol { Arity: 0 })
                {
                    next = (INamespaceOrTypeSymbol)member;
                    break;
                }
            }

            if (next is null)
            {
                return false;
            }

            current = next;
        }

        return current is INamedTypeSymbol;
    }

    private static string Display(string qualifiedName) =>
        qualifiedName.StartsWith("global::", StringComparison.Ordinal) ? qualifiedName.Substring("global::".Length) : qualifiedName;

    private static void AddOnce(List<string> names, string name)
    {
        if (!names.Contains(name))
        {
            names.Add(name);
        }
    }

    /// <summary>"a", "a and b", "a, b and c", or "a, b and 3 more classes" beyond <paramref name="shown"/>.</summary>
    private static string List(List<string> items, string noun, int shown)
    {
        if (items.Count == 1)
        {
            return items[0];
        }

        if (items.Count > shown)
        {
            var more = items.Count - shown + 1;
            return string.Join(", ", items.GetRange(0, shown - 1)) + $" and {more} more {noun}" + (noun.EndsWith("s", StringComparison.Ordinal) ? "es" : "s");
        }

        return string.Join(", ", items.GetRange(0, items.Count - 1)) + " and " + items[items.Count - 1];
    }
}

/// <summary>The classes one service file's generated code names: its reflection class and its RPCs' messages.</summary>
/// <param name="HintName">The generated file's hint name (which file of the model).</param>
/// <param name="ProtoPath">The .proto file's import path.</param>
/// <param name="ClassNames">The <c>global::</c>-qualified class names.</param>
internal sealed record NeededClasses(string HintName, string ProtoPath, EquatableArray<string> ClassNames);

/// <summary>A service file whose message classes the compilation lacks.</summary>
/// <param name="HintName">The generated file's hint name.</param>
/// <param name="ProtoPath">The .proto file's import path.</param>
/// <param name="MissingClasses">The missing classes, without <c>global::</c>.</param>
internal sealed record MissingMessageClasses(string HintName, string ProtoPath, EquatableArray<string> MissingClasses);

/// <summary>What the check found: the files whose message classes are missing, and whether Grpc.Tools is referenced.</summary>
internal sealed record MessageClassCheckResult(EquatableArray<MissingMessageClasses> Files, bool GrpcToolsReferenced)
{
    /// <summary>Nothing missing.</summary>
    public static readonly MessageClassCheckResult None = new(EquatableArray<MissingMessageClasses>.Empty, GrpcToolsReferenced: false);

    /// <summary>Whether services were left out: then the project-wide code is still written, so AddHandler calls bind.</summary>
    public bool LeftOutServices => !Files.IsEmpty;
}
