using System;
using System.Collections.Generic;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>Which file: a project file by its path, or a built-in well-known file by its import path.</summary>
internal readonly record struct FileKey(string Path, bool BuiltIn)
{
    public static FileKey Of(ProtoFileSpec file) =>
        WellKnownTypes.IsBuiltIn(file) ? new FileKey(file.ImportPath, BuiltIn: true) : new FileKey(file.Path, BuiltIn: false);
}

/// <summary>A name a file declares, as the project's name index needs it (no spans, so moving text changes nothing).</summary>
/// <param name="FullName">The full name.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Reported">Whether a second declaration in another file is reported and dropped (messages, enums, services, rpcs).</param>
/// <param name="CSharpName">For a message or enum, its C# class; else <c>""</c>.</param>
internal readonly record struct DeclaredName(string FullName, SymbolKind Kind, bool Reported, string CSharpName);

/// <summary>An import statement without its span.</summary>
internal readonly record struct ImportDeclaration(string Path, ImportKind Kind);

/// <summary>A service's name and full name.</summary>
internal readonly record struct ServiceName(string Name, string FullName);

/// <summary>
/// What the project-wide name index (<see cref="ProjectNames"/>) needs of one file: its paths, imports, declared names
/// and services. A summary of the spec without locations, field lists or references: an edit that declares nothing new
/// (a field added, text moved) leaves it equal, and the index is not built again.
/// </summary>
internal sealed record FileDeclarations(
    FileKey Key,
    string ImportPath,
    string NormalizedPath,
    EquatableArray<string> ImportDirectories,
    bool HasSyntaxErrors,
    string CSharpNamespace,
    EquatableArray<ImportDeclaration> Imports,
    EquatableArray<DeclaredName> Names,
    EquatableArray<ServiceName> Services)
{
    public static FileDeclarations From(ProtoFileSpec file, List<Symbol> symbols)
    {
        var names = new DeclaredName[symbols.Count];
        for (var i = 0; i < names.Length; i++)
        {
            var symbol = symbols[i];
            names[i] = new DeclaredName(symbol.FullName, symbol.Kind, symbol.Span is not null, symbol.CSharpName);
        }

        var imports = new ImportDeclaration[file.Imports.Count];
        for (var i = 0; i < imports.Length; i++)
        {
            imports[i] = new ImportDeclaration(file.Imports[i].Path, file.Imports[i].Kind);
        }

        var services = new ServiceName[file.Services.Count];
        for (var i = 0; i < services.Length; i++)
        {
            services[i] = new ServiceName(file.Services[i].Name, file.Services[i].FullName);
        }

        return new FileDeclarations(
            FileKey.Of(file),
            file.ImportPath,
            ProtoPath.Normalize(file.Path),
            file.ImportDirectories,
            file.HasSyntaxErrors,
            file.CSharpNamespace,
            new EquatableArray<ImportDeclaration>(imports),
            new EquatableArray<DeclaredName>(names),
            new EquatableArray<ServiceName>(services));
    }
}

/// <summary>
/// One file's declared names by full name: what a file that sees it finds in it. Built once per parse of the file and
/// cached with it by the pipeline, so resolving a file costs look-ups in the few files it sees, not a table of the
/// whole project. Equal when the spec is.
/// </summary>
internal sealed class FileSymbols : IEquatable<FileSymbols>
{
    private readonly Dictionary<string, Symbol> _byName;

    public FileSymbols(ProtoFileSpec spec)
    {
        Spec = spec;
        Symbols = SymbolTable.Declared(spec);
        _byName = new Dictionary<string, Symbol>(Symbols.Count, StringComparer.Ordinal);
        foreach (var symbol in Symbols)
        {
            if (!_byName.TryGetValue(symbol.FullName, out var first))
            {
                _byName.Add(symbol.FullName, symbol);
                continue;
            }

            // A name the file declares twice (reported by the validator): later symbols follow the first, in order.
            var last = first;
            while (last.NextInFile is not null)
            {
                last = last.NextInFile;
            }

            last.NextInFile = symbol;
        }

        Declarations = FileDeclarations.From(spec, Symbols);
    }

    public ProtoFileSpec Spec { get; }

    public FileKey Key => Declarations.Key;

    /// <summary>The names in declaration order (<see cref="SymbolTable.Declared"/>).</summary>
    public List<Symbol> Symbols { get; }

    public FileDeclarations Declarations { get; }

    /// <summary>
    /// The first symbol of <paramref name="fullName"/> in this file that the project keeps: not one of
    /// <paramref name="dropped"/>, the ordinals of the symbols dropped because another file declared the name first.
    /// </summary>
    public Symbol? Find(string fullName, EquatableArray<int> dropped)
    {
        if (!_byName.TryGetValue(fullName, out var symbol))
        {
            return null;
        }

        while (symbol is not null && dropped.Count > 0 && Contains(dropped, symbol.Ordinal))
        {
            symbol = symbol.NextInFile;
        }

        return symbol;
    }

    public bool Equals(FileSymbols? other) => other is not null && (ReferenceEquals(this, other) || Spec.Equals(other.Spec));

    public override bool Equals(object? obj) => Equals(obj as FileSymbols);

    public override int GetHashCode() => Spec.GetHashCode();

    private static bool Contains(EquatableArray<int> values, int value)
    {
        foreach (var item in values)
        {
            if (item == value)
            {
                return true;
            }
        }

        return false;
    }
}
