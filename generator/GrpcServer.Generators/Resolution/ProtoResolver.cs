using System.Collections.Generic;
using System.Collections.Immutable;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;

namespace GrpcServer.Generators.Resolution;

/// <summary>The model to emit and every diagnostic of the project's .proto files.</summary>
internal sealed record ResolutionResult(GenerationModel Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Links the parsed files and owns the rules that need more than one file: imports, names across files and protobuf's
/// scoping, rpc types (<see cref="ServiceResolver"/>), field types and defaults (<see cref="TypeReferenceChecker"/>),
/// extensions (<see cref="ExtensionChecker"/>), custom options (<see cref="OptionChecker"/>) and the names protoc's C#
/// output cannot take (<see cref="CSharpNameChecker"/>). The rules of a single file are
/// <see cref="Parsing.ProtoValidator"/>'s, already applied to each file's spec.
/// </summary>
/// <remarks>
/// The work is split so that the generator's pipeline redoes only what an edit touches: a small project-wide name index
/// (<see cref="ProjectNames"/>, from each file's <see cref="FileDeclarations"/>), then each file resolved among the files
/// it sees (<see cref="FileView"/>, <see cref="FileResolver"/>), then the files' results combined
/// (<see cref="Combine"/>). <see cref="Resolve"/> runs the same steps at once, for tests and benchmarks.
/// </remarks>
internal static class ProtoResolver
{
    public static ResolutionResult Resolve(ImmutableArray<ProtoFileSpec> input)
    {
        var files = ImmutableArray.CreateBuilder<FileSymbols>(input.Length);
        var declarations = ImmutableArray.CreateBuilder<FileDeclarations>(input.Length);
        foreach (var spec in input)
        {
            var symbols = new FileSymbols(spec);
            files.Add(symbols);
            declarations.Add(symbols.Declarations);
        }

        var names = ProjectNames.Build(declarations.MoveToImmutable());
        var index = new SymbolsIndex(files.MoveToImmutable());
        var scope = new ProjectScope(index);
        var results = ImmutableArray.CreateBuilder<FileResult>(input.Length);
        foreach (var file in index.Files)
        {
            results.Add(FileResolver.Complete(FileResolver.Resolve(FileView.Create(file, names, index)), scope));
        }

        return Combine(results.MoveToImmutable(), names);
    }

    /// <summary>Sorts files in project order: by import path, then path (the order in which names are declared first).</summary>
    public static void SortInProjectOrder(List<ProtoFileSpec> files) => files.Sort(static (a, b) =>
    {
        var byImport = string.CompareOrdinal(a.ImportPath, b.ImportPath);
        return byImport != 0 ? byImport : string.CompareOrdinal(a.Path, b.Path);
    });

    /// <summary>
    /// The files' results as one: the services to generate in project order, and the diagnostics in the order the
    /// whole-project resolver reported them (each file's parse diagnostics, then names declared twice, imports not
    /// found, services, and the other checks; each phase in project order).
    /// </summary>
    public static ResolutionResult Combine(ImmutableArray<FileResult> input, ProjectNames names)
    {
        var results = new List<FileResult>(input);
        results.Sort(static (a, b) =>
        {
            var byImport = string.CompareOrdinal(a.File.Spec.ImportPath, b.File.Spec.ImportPath);
            return byImport != 0 ? byImport : string.CompareOrdinal(a.File.Spec.Path, b.File.Spec.Path);
        });

        var models = new List<ServiceFileModel>();
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var result in results)
        {
            diagnostics.AddRange(result.File.Spec.Diagnostics);
            if (result.Model is not null)
            {
                models.Add(result.Model);
            }
        }

        foreach (var result in results)
        {
            diagnostics.AddRange(result.Diagnostics.Declarations);
        }

        diagnostics.AddRange(names.BuiltInDiagnostics);
        foreach (var result in results)
        {
            diagnostics.AddRange(result.Diagnostics.Imports);
        }

        foreach (var result in results)
        {
            diagnostics.AddRange(result.Diagnostics.Services);
        }

        foreach (var result in results)
        {
            diagnostics.AddRange(result.Diagnostics.Checks);
        }

        return new ResolutionResult(new GenerationModel(models.ToEquatableArray()), diagnostics.ToEquatableArray());
    }
}
