using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;

namespace GrpcServer.Generators.Resolution;

/// <summary>Every file's <see cref="FileSymbols"/>, by key: what a file's view is taken from.</summary>
internal sealed class SymbolsIndex : IEquatable<SymbolsIndex>
{
    private readonly ImmutableArray<FileSymbols> _files;
    private readonly Dictionary<FileKey, FileSymbols> _byKey;

    public SymbolsIndex(ImmutableArray<FileSymbols> files)
    {
        _files = files;
        _byKey = new Dictionary<FileKey, FileSymbols>(files.Length);
        foreach (var file in files)
        {
            if (!_byKey.ContainsKey(file.Key))
            {
                _byKey.Add(file.Key, file);
            }
        }
    }

    /// <summary>The project's files, in the order they were given.</summary>
    public ImmutableArray<FileSymbols> Files => _files;

    public FileSymbols? Find(FileKey key) =>
        key.BuiltIn ? (WellKnownTypes.Symbols.TryGetValue(key.Path, out var builtIn) ? builtIn : null)
        : _byKey.TryGetValue(key, out var file) ? file : null;

    public bool Equals(SymbolsIndex? other) =>
        other is not null && (ReferenceEquals(this, other) || _files.AsSpan().SequenceEqual(other._files.AsSpan()));

    public override bool Equals(object? obj) => Equals(obj as SymbolsIndex);

    public override int GetHashCode() => _files.Length;
}

/// <summary>A file another file sees, with the ordinals of its names that another file declared first.</summary>
internal readonly record struct VisibleFile(FileSymbols Symbols, EquatableArray<int> Dropped);

/// <summary>
/// Everything one file's resolution reads: its spec and symbols, its <see cref="FileFacts"/>, and the files it sees. Equal
/// after an edit of a file it does not see, so the file is not resolved again.
/// </summary>
internal sealed record FileView(FileSymbols File, FileFacts Facts, EquatableArray<VisibleFile> Visible)
{
    public static FileView Create(FileSymbols file, ProjectNames names, SymbolsIndex index)
    {
        var facts = names.FactsOf(file.Key);
        var visible = new List<VisibleFile>(facts.Visible.Count);
        foreach (var key in facts.Visible)
        {
            var symbols = key == file.Key ? file : index.Find(key);
            if (symbols is not null)
            {
                visible.Add(new VisibleFile(symbols, names.FactsOf(key).DroppedOrdinals));
            }
        }

        return new FileView(file, facts, visible.ToEquatableArray());
    }
}

/// <summary>One file's diagnostics of the resolver, by phase (the order the whole-project resolver reported them in).</summary>
internal sealed record FileDiagnostics(
    EquatableArray<DiagnosticInfo> Declarations,
    EquatableArray<DiagnosticInfo> Imports,
    EquatableArray<DiagnosticInfo> Services,
    EquatableArray<DiagnosticInfo> Checks);

/// <summary>One file resolved: its generated services (if any) and its diagnostics.</summary>
/// <param name="File">The file.</param>
/// <param name="Facts">What the project decided for it.</param>
/// <param name="Model">Its services to generate, or <see langword="null"/>.</param>
/// <param name="Diagnostics">What the resolver reports in it.</param>
/// <param name="NeedsProject">Whether it must be resolved again with the whole project (<see cref="FileResolutionContext.NeedsProject"/>).</param>
internal sealed record FileResult(FileSymbols File, FileFacts Facts, ServiceFileModel? Model, FileDiagnostics Diagnostics, bool NeedsProject);

/// <summary>
/// The whole project's symbol table and import graph, made only when a file needs them (a name that does not resolve,
/// custom options): most edits never build them.
/// </summary>
internal sealed class ProjectScope : IEquatable<ProjectScope>
{
    private readonly SymbolsIndex _index;
    private readonly object _gate = new();
    private (SymbolTable Symbols, ImportGraph Imports)? _tables;

    public ProjectScope(SymbolsIndex index) => _index = index;

    public ProjectResolutionContext CreateContext(List<DiagnosticInfo> diagnostics)
    {
        var (symbols, imports) = Tables();
        return new ProjectResolutionContext(symbols, imports, diagnostics);
    }

    public bool Equals(ProjectScope? other) => other is not null && (ReferenceEquals(this, other) || _index.Equals(other._index));

    public override bool Equals(object? obj) => Equals(obj as ProjectScope);

    public override int GetHashCode() => _index.GetHashCode();

    private (SymbolTable, ImportGraph) Tables()
    {
        lock (_gate)
        {
            if (_tables is null)
            {
                var files = new List<ProtoFileSpec>(_index.Files.Length);
                foreach (var file in _index.Files)
                {
                    files.Add(file.Spec);
                }

                ProtoResolver.SortInProjectOrder(files);
                var allFiles = new List<ProtoFileSpec>(files);
                foreach (var builtIn in WellKnownTypes.Files.Values)
                {
                    if (!files.Exists(f => f.ImportPath == builtIn.ImportPath))
                    {
                        allFiles.Add(builtIn);
                    }
                }

                // What these report, each file's resolution reports from its FileFacts.
                var reported = new List<DiagnosticInfo>();
                _tables = (new SymbolTable(allFiles, reported), new ImportGraph(files, allFiles, reported));
            }

            return _tables.Value;
        }
    }
}

/// <summary>
/// Resolves one file: first among the files it sees (<see cref="Resolve(FileView)"/>), which is all that most files
/// need; a file with a name that does not resolve or with custom options again with the whole project
/// (<see cref="Complete"/>). Both run the same checks in the same order as the whole-project resolver did.
/// </summary>
internal static class FileResolver
{
    public static FileResult Resolve(FileView view)
    {
        var context = new FileResolutionContext(view, new List<DiagnosticInfo>());
        var result = Resolve(view.File, view.Facts, context, project: null);
        return context.NeedsProject ? result with { NeedsProject = true } : result;
    }

    /// <summary>The result with the whole project's help, when the file needs it; else the result as it is.</summary>
    public static FileResult Complete(FileResult result, ProjectScope scope) =>
        result.NeedsProject ? Resolve(result.File, result.Facts, null, scope) : result;

    private static FileResult Resolve(FileSymbols symbols, FileFacts facts, ResolutionContext? context, ProjectScope? project)
    {
        var file = symbols.Spec;
        var projectContext = project?.CreateContext(new List<DiagnosticInfo>());
        context ??= projectContext!;

        var declarations = new List<DiagnosticInfo>(facts.Dropped.Count);
        foreach (var dropped in facts.Dropped)
        {
            var symbol = symbols.Symbols[dropped.Ordinal];
            declarations.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.DuplicateNameInOtherFile.Key(), file.Path, symbol.Span, symbol.FullName, dropped.ClashArticle, dropped.ClashImportPath));
        }

        var imports = new List<DiagnosticInfo>(facts.MissingImports.Count);
        foreach (var index in facts.MissingImports)
        {
            var import = file.Imports[index];
            imports.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ImportNotFound.Id, file.Path, import.Span, import.Path));
        }

        var services = context.Diagnostics = new List<DiagnosticInfo>();
        ServiceFileModel? model = null;
        if (!file.Services.IsEmpty && !file.HasSyntaxErrors)
        {
            var resolved = new ServiceResolver(context).Resolve(file, facts.ServiceClashes);
            if (resolved.Count > 0)
            {
                model = new ServiceFileModel(
                    facts.HintName ?? CSharpNaming.CreateHintName(file.ImportPath, new HashSet<string>()),
                    file.ImportPath,
                    file.CSharpNamespace,
                    CSharpNaming.GetReflectionClassName(file.ImportPath, file.CSharpNamespace),
                    resolved.ToEquatableArray());
            }
        }

        var checks = context.Diagnostics = new List<DiagnosticInfo>();

        // A file with syntax errors may have lost declarations: one mistake, one diagnostic.
        if (!file.HasSyntaxErrors)
        {
            new TypeReferenceChecker(context).Check(file);
            new ExtensionChecker(context).Check(file);
            if (projectContext is not null)
            {
                projectContext.Diagnostics = checks;
                new OptionChecker(projectContext).Check(file);
            }
            else if (!file.CustomOptions.IsEmpty && context is FileResolutionContext local)
            {
                local.NeedsProject = true;
            }

            new CSharpNameChecker(context).Check(file);
        }

        return new FileResult(
            symbols,
            facts,
            model,
            new FileDiagnostics(declarations.ToEquatableArray(), imports.ToEquatableArray(), services.ToEquatableArray(), checks.ToEquatableArray()),
            NeedsProject: false);
    }
}
