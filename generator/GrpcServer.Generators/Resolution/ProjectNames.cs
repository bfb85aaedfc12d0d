using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Emitting;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>A name of a file that another file declared first: dropped, and reported where this file declares it.</summary>
/// <param name="Ordinal">Its position among the file's names (<see cref="SymbolTable.Declared"/>).</param>
/// <param name="ClashArticle">What the first declaration is, with its article (<c>a message</c>).</param>
/// <param name="ClashImportPath">The file of the first declaration.</param>
internal readonly record struct DroppedSymbol(int Ordinal, string ClashArticle, string ClashImportPath);

/// <summary>A service whose descriptor class cannot be generated: the GRPCSRV007 message to report at its name.</summary>
internal sealed record ServiceClash(int Service, string DescriptorKey, EquatableArray<string> Arguments);

/// <summary>
/// What one file's resolution needs to know of the rest of the project, decided in project order: its names that
/// other files declared first, the files it sees through its imports, the imports not found, its services whose
/// descriptor classes clash, and the hint name of its generated file. Usually the same after an edit of another file,
/// so that file's resolution stays cached.
/// </summary>
/// <param name="Dropped">The file's names declared first by another file.</param>
/// <param name="DroppedOrdinals">The same, as ordinals only (what a file that sees this one needs).</param>
/// <param name="Visible">The file itself, its imports (not <c>import option</c>) and what they re-export by <c>import public</c>, in project order.</param>
/// <param name="MissingImports">The positions of the file's imports that were not found.</param>
/// <param name="ServiceClashes">The services whose descriptor class clashes with another class.</param>
/// <param name="HintName">The hint name of the file's generated source, when it has services to generate.</param>
internal sealed record FileFacts(
    EquatableArray<DroppedSymbol> Dropped,
    EquatableArray<int> DroppedOrdinals,
    EquatableArray<FileKey> Visible,
    EquatableArray<int> MissingImports,
    EquatableArray<ServiceClash> ServiceClashes,
    string? HintName);

/// <summary>
/// The project-wide name index, built from each file's <see cref="FileDeclarations"/> alone (small, without locations):
/// which file declares each name first (protobuf names are project-wide), where each import leads, and the names of
/// the generated classes and files. It decides, in project order (import path, then path; the built-in well-known files
/// last), exactly what the whole-project resolver decided, and hands each file its <see cref="FileFacts"/>.
/// </summary>
internal sealed class ProjectNames : IEquatable<ProjectNames>
{
    private static readonly FileFacts s_none = new(
        EquatableArray<DroppedSymbol>.Empty,
        EquatableArray<int>.Empty,
        EquatableArray<FileKey>.Empty,
        EquatableArray<int>.Empty,
        EquatableArray<ServiceClash>.Empty,
        null);

    private readonly ImmutableArray<FileDeclarations> _input;
    private readonly Dictionary<FileKey, FileFacts> _facts;

    private ProjectNames(ImmutableArray<FileDeclarations> input, Dictionary<FileKey, FileFacts> facts, EquatableArray<DiagnosticInfo> builtInDiagnostics)
    {
        _input = input;
        _facts = facts;
        BuiltInDiagnostics = builtInDiagnostics;
    }

    /// <summary>Names of a built-in file declared first by a project file (its own copy of a well-known type): reported at the built-in file.</summary>
    public EquatableArray<DiagnosticInfo> BuiltInDiagnostics { get; }

    /// <summary>The facts of a project or built-in file of this project.</summary>
    public FileFacts FactsOf(FileKey key) => _facts.TryGetValue(key, out var facts) ? facts : s_none;

    /// <summary>The project's files (project files first, in project order), then the built-in files they do not replace.</summary>
    public static List<FileDeclarations> InProjectOrder(IEnumerable<FileDeclarations> files, out int projectFiles)
    {
        var all = new List<FileDeclarations>(files);
        all.Sort(static (a, b) =>
        {
            var byImport = string.CompareOrdinal(a.ImportPath, b.ImportPath);
            return byImport != 0 ? byImport : string.CompareOrdinal(a.Key.Path, b.Key.Path);
        });

        projectFiles = all.Count;
        var importPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in all)
        {
            importPaths.Add(file.ImportPath);
        }

        foreach (var builtIn in WellKnownTypes.Symbols.Values)
        {
            if (!importPaths.Contains(builtIn.Spec.ImportPath))
            {
                all.Add(builtIn.Declarations);
            }
        }

        return all;
    }

    public static ProjectNames Build(ImmutableArray<FileDeclarations> input)
    {
        var files = InProjectOrder(input, out var projectFiles);
        var builder = new Builder(files, projectFiles);
        var builtInDiagnostics = new List<DiagnosticInfo>();
        var facts = new Dictionary<FileKey, FileFacts>();
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var dropped = builder.Dropped[i] is { } list ? new EquatableArray<DroppedSymbol>(list.ToArray()) : EquatableArray<DroppedSymbol>.Empty;
            var ordinals = EquatableArray<int>.Empty;
            if (!dropped.IsEmpty)
            {
                var array = new int[dropped.Count];
                for (var d = 0; d < array.Length; d++)
                {
                    array[d] = dropped[d].Ordinal;
                }

                ordinals = new EquatableArray<int>(array);
                if (file.Key.BuiltIn)
                {
                    var builtIn = WellKnownTypes.Symbols[file.ImportPath];
                    foreach (var symbol in dropped)
                    {
                        var declared = builtIn.Symbols[symbol.Ordinal];
                        builtInDiagnostics.Add(DiagnosticInfo.Create(
                            DiagnosticDescriptors.DuplicateNameInOtherFile.Key(), builtIn.Spec.Path, declared.Span, declared.FullName, symbol.ClashArticle, symbol.ClashImportPath));
                    }
                }
            }

            // The first of two files with one path speaks for both (the whole-project resolver could not tell them apart either).
            if (!facts.ContainsKey(file.Key))
            {
                facts.Add(file.Key, new FileFacts(
                    dropped,
                    ordinals,
                    builder.Visible(i),
                    builder.Missing[i] is { } missing ? new EquatableArray<int>(missing.ToArray()) : EquatableArray<int>.Empty,
                    builder.ServiceClashes[i] is { } clashes ? new EquatableArray<ServiceClash>(clashes.ToArray()) : EquatableArray<ServiceClash>.Empty,
                    builder.HintNames[i]));
            }
        }

        return new ProjectNames(input, facts, builtInDiagnostics.ToEquatableArray());
    }

    public bool Equals(ProjectNames? other) =>
        other is not null && (ReferenceEquals(this, other) || _input.AsSpan().SequenceEqual(other._input.AsSpan()));

    public override bool Equals(object? obj) => Equals(obj as ProjectNames);

    public override int GetHashCode() => _input.Length;

    /// <summary>The project-wide decisions, taken in project order as <see cref="SymbolTable"/>, <see cref="ImportGraph"/> and the service naming take them.</summary>
    private sealed class Builder
    {
        private readonly List<FileDeclarations> _files;
        private readonly int _projectFiles;
        private readonly List<(ImportKind Kind, int Target)>[] _imports;

        public Builder(List<FileDeclarations> files, int projectFiles)
        {
            _files = files;
            _projectFiles = projectFiles;
            Dropped = new List<DroppedSymbol>?[files.Count];
            Missing = new List<int>?[files.Count];
            ServiceClashes = new List<ServiceClash>?[files.Count];
            HintNames = new string?[files.Count];
            _imports = new List<(ImportKind, int)>[files.Count];
            var typesByCSharpName = DeclareNames();
            ResolveImports();
            NameServices(typesByCSharpName);
        }

        public List<DroppedSymbol>?[] Dropped { get; }

        public List<int>?[] Missing { get; }

        public List<ServiceClash>?[] ServiceClashes { get; }

        public string?[] HintNames { get; }

        /// <summary>As <see cref="ImportGraph.Visible"/>: the file, its imports but <c>import option</c>, and what they re-export, in project order.</summary>
        public EquatableArray<FileKey> Visible(int file)
        {
            var visible = new List<int> { file };
            var seen = new HashSet<int> { file };
            var pending = new Stack<int>();
            foreach (var (kind, target) in _imports[file])
            {
                if (kind != ImportKind.Option && seen.Add(target))
                {
                    visible.Add(target);
                    pending.Push(target);
                }
            }

            while (pending.Count > 0)
            {
                foreach (var (kind, target) in _imports[pending.Pop()])
                {
                    if (kind == ImportKind.Public && seen.Add(target))
                    {
                        visible.Add(target);
                        pending.Push(target);
                    }
                }
            }

            visible.Sort();
            var keys = new FileKey[visible.Count];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = _files[visible[i]].Key;
            }

            return new EquatableArray<FileKey>(keys);
        }

        /// <summary>
        /// As <see cref="SymbolTable"/>: the first declaration of a name wins; a message, enum, service or rpc that another
        /// file declared first is dropped (and reported); packages are shared. Returns the first message or enum of each C# class name.
        /// </summary>
        private Dictionary<string, (SymbolKind Kind, string FullName, int File)> DeclareNames()
        {
            var table = new Dictionary<string, List<(SymbolKind Kind, int File, string CSharpName)>>(StringComparer.Ordinal);
            for (var f = 0; f < _files.Count; f++)
            {
                var names = _files[f].Names;
                for (var ordinal = 0; ordinal < names.Count; ordinal++)
                {
                    var name = names[ordinal];
                    if (!table.TryGetValue(name.FullName, out var list))
                    {
                        table.Add(name.FullName, new List<(SymbolKind, int, string)>(1) { (name.Kind, f, name.CSharpName) });
                        continue;
                    }

                    var clash = -1;
                    for (var i = 0; i < list.Count && clash < 0; i++)
                    {
                        if (!(list[i].Kind == SymbolKind.Package && name.Kind == SymbolKind.Package) && list[i].File != f)
                        {
                            clash = i;
                        }
                    }

                    if (clash >= 0 && name.Reported)
                    {
                        (Dropped[f] ??= new()).Add(new DroppedSymbol(ordinal, Symbol.WithArticle(list[clash].Kind), _files[list[clash].File].ImportPath));
                        continue;
                    }

                    list.Add((name.Kind, f, name.CSharpName));
                }
            }

            var byCSharpName = new Dictionary<string, (SymbolKind, string, int)>(StringComparer.Ordinal);
            foreach (var pair in table)
            {
                foreach (var symbol in pair.Value)
                {
                    if (symbol.CSharpName.Length > 0 && !byCSharpName.ContainsKey(symbol.CSharpName))
                    {
                        byCSharpName.Add(symbol.CSharpName, (symbol.Kind, pair.Key, symbol.File));
                    }
                }
            }

            return byCSharpName;
        }

        /// <summary>As <see cref="ImportGraph"/>: each import found among the project's files, the import directories, the built-in files, or by a unique path suffix.</summary>
        private void ResolveImports()
        {
            var byImportPath = new Dictionary<string, int>(StringComparer.Ordinal);
            var byPath = new Dictionary<string, int>(StringComparer.Ordinal);
            var builtIns = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var f = 0; f < _files.Count; f++)
            {
                if (f < _projectFiles)
                {
                    AddFirst(byImportPath, _files[f].ImportPath, f);
                    AddFirst(byPath, _files[f].NormalizedPath, f);
                }
                else
                {
                    builtIns.Add(_files[f].ImportPath, f);
                }
            }

            for (var f = 0; f < _files.Count; f++)
            {
                var file = _files[f];
                var resolved = new List<(ImportKind, int)>(file.Imports.Count);
                for (var i = 0; i < file.Imports.Count; i++)
                {
                    var import = file.Imports[i];
                    var target = Find(file, import.Path, byImportPath, byPath, builtIns);
                    if (target < 0)
                    {
                        (Missing[f] ??= new()).Add(i);
                    }
                    else
                    {
                        resolved.Add((import.Kind, target));
                    }
                }

                _imports[f] = resolved;
            }
        }

        private int Find(FileDeclarations importer, string importPath, Dictionary<string, int> byImportPath, Dictionary<string, int> byPath, Dictionary<string, int> builtIns)
        {
            var normalized = ProtoPath.Normalize(importPath);
            if (byImportPath.TryGetValue(normalized, out var file))
            {
                return file;
            }

            foreach (var directory in importer.ImportDirectories)
            {
                if (byPath.TryGetValue(ProtoPath.Combine(directory, normalized), out file))
                {
                    return file;
                }
            }

            if (WellKnownTypes.Files.ContainsKey(normalized))
            {
                // A built-in file replaced by a project file of its import path was found above.
                return builtIns.TryGetValue(normalized, out file) ? file : -1;
            }

            // Last resort: exactly one project file whose path ends with the import path.
            var match = -1;
            var suffix = "/" + normalized;
            for (var f = 0; f < _projectFiles; f++)
            {
                if (_files[f].NormalizedPath.EndsWith(suffix, StringComparison.Ordinal))
                {
                    if (match >= 0)
                    {
                        return -1;
                    }

                    match = f;
                }
            }

            return match;
        }

        /// <summary>
        /// As the service resolver: a descriptor class named like one generated before it (in project order) or like a
        /// message or enum class is not generated; the files with a service left get hint names, in project order.
        /// </summary>
        private void NameServices(Dictionary<string, (SymbolKind Kind, string FullName, int File)> typesByCSharpName)
        {
            var descriptorClasses = new Dictionary<string, string>(StringComparer.Ordinal);
            var usedHintNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { SourceEmitter.CatalogHintName, SourceEmitter.AddHandlerHintName };
            for (var f = 0; f < _projectFiles; f++)
            {
                var file = _files[f];
                if (file.Services.IsEmpty || file.HasSyntaxErrors)
                {
                    continue;
                }

                var generated = 0;
                for (var s = 0; s < file.Services.Count; s++)
                {
                    var service = file.Services[s];
                    var qualifiedClassName = CSharpNaming.Qualify(file.CSharpNamespace, CSharpNaming.GetDescriptorClassName(service.Name));
                    if (descriptorClasses.TryGetValue(qualifiedClassName, out var owner))
                    {
                        (ServiceClashes[f] ??= new()).Add(new ServiceClash(s, DiagnosticDescriptors.GeneratedNameClash.Key(), new EquatableArray<string>(new[] { qualifiedClassName, service.FullName, owner })));
                    }
                    else if (typesByCSharpName.TryGetValue(qualifiedClassName, out var type))
                    {
                        (ServiceClashes[f] ??= new()).Add(new ServiceClash(
                            s,
                            DiagnosticDescriptors.GeneratedNameClashWithType.Key(),
                            new EquatableArray<string>(new[] { qualifiedClassName, service.FullName, Symbol.Describe(type.Kind), type.FullName, _files[type.File].ImportPath })));
                    }
                    else
                    {
                        descriptorClasses.Add(qualifiedClassName, service.FullName);
                        generated++;
                    }
                }

                if (generated > 0)
                {
                    HintNames[f] = CSharpNaming.CreateHintName(file.ImportPath, usedHintNames);
                }
            }
        }

        private static void AddFirst(Dictionary<string, int> map, string key, int file)
        {
            if (!map.ContainsKey(key))
            {
                map.Add(key, file);
            }
        }
    }
}
