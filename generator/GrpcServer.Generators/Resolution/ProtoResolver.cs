using System.Collections.Generic;
using System.Collections.Immutable;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Emitting;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;

namespace GrpcServer.Generators.Resolution;

/// <summary>The model to emit and every diagnostic of the project's .proto files.</summary>
internal sealed record ResolutionResult(GenerationModel Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Links the parsed files and owns the rules that need more than one file: imports (<see cref="ImportGraph"/>), names
/// across files and protobuf's scoping (<see cref="SymbolTable"/>), rpc types (<see cref="ServiceResolver"/>), field
/// types and defaults (<see cref="TypeReferenceChecker"/>), extensions (<see cref="ExtensionChecker"/>), custom options
/// (<see cref="OptionChecker"/>) and the names protoc's C# output cannot take (<see cref="CSharpNameChecker"/>). The
/// rules of a single file are <see cref="Parsing.ProtoValidator"/>'s, already applied to each file's spec.
/// </summary>
internal static class ProtoResolver
{
    public static ResolutionResult Resolve(ImmutableArray<ProtoFileSpec> input)
    {
        var files = new List<ProtoFileSpec>(input);
        files.Sort((a, b) =>
        {
            var byImport = string.CompareOrdinal(a.ImportPath, b.ImportPath);
            return byImport != 0 ? byImport : string.CompareOrdinal(a.Path, b.Path);
        });

        var diagnostics = new List<DiagnosticInfo>();
        foreach (var file in files)
        {
            diagnostics.AddRange(file.Diagnostics);
        }

        var allFiles = new List<ProtoFileSpec>(files);
        foreach (var builtIn in WellKnownTypes.Files.Values)
        {
            if (!files.Exists(f => f.ImportPath == builtIn.ImportPath))
            {
                allFiles.Add(builtIn);
            }
        }

        var symbols = new SymbolTable(allFiles, diagnostics);
        var imports = new ImportGraph(files, allFiles, diagnostics);
        var context = new ResolutionContext(symbols, imports, diagnostics);

        var usedHintNames = new HashSet<string>(System.StringComparer.OrdinalIgnoreCase) { SourceEmitter.CatalogHintName, SourceEmitter.AddHandlerHintName };
        var services = new ServiceResolver(context);
        var fileModels = new List<ServiceFileModel>();
        foreach (var file in files)
        {
            if (file.Services.IsEmpty || file.HasSyntaxErrors)
            {
                continue;
            }

            var resolved = services.Resolve(file);
            if (resolved.Count > 0)
            {
                fileModels.Add(new ServiceFileModel(
                    CSharpNaming.CreateHintName(file.ImportPath, usedHintNames),
                    file.ImportPath,
                    file.CSharpNamespace,
                    CSharpNaming.GetReflectionClassName(file.ImportPath, file.CSharpNamespace),
                    resolved.ToEquatableArray()));
            }
        }

        var typeReferences = new TypeReferenceChecker(context);
        var extensions = new ExtensionChecker(context);
        var options = new OptionChecker(context);
        var names = new CSharpNameChecker(context);
        foreach (var file in files)
        {
            // A file with syntax errors may have lost declarations: one mistake, one diagnostic.
            if (!file.HasSyntaxErrors)
            {
                typeReferences.Check(file);
                extensions.Check(file);
                options.Check(file);
                names.Check(file);
            }
        }

        return new ResolutionResult(new GenerationModel(fileModels.ToEquatableArray()), diagnostics.ToEquatableArray());
    }
}
