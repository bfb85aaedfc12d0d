using System;
using System.Collections.Generic;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>What a full name is declared as.</summary>
internal enum SymbolKind
{
    Package,
    Message,
    Enum,
    Service,
    Rpc,
    EnumValue,
    MapEntry,
    Extension,
}

/// <summary>A declared name and the file that declares it.</summary>
internal sealed class Symbol
{
    public Symbol(SymbolKind kind, string fullName, ProtoFileSpec file, TypeSpec? type = null, ExtensionSpec? extension = null, SourceSpan? span = null, int ordinal = 0)
    {
        Kind = kind;
        FullName = fullName;
        File = file;
        Type = type;
        Extension = extension;
        Span = span;
        Ordinal = ordinal;
    }

    public SymbolKind Kind { get; }

    public string FullName { get; }

    public ProtoFileSpec File { get; }

    /// <summary>For a message or an enum, its spec.</summary>
    public TypeSpec? Type { get; }

    /// <summary>For an extension, its spec.</summary>
    public ExtensionSpec? Extension { get; }

    /// <summary>
    /// Where a message, enum, service or rpc is declared (a name declared twice across files is reported there);
    /// <c>null</c> for packages, enum values, map entries and extensions, which are never reported as declared twice.
    /// </summary>
    public SourceSpan? Span { get; }

    /// <summary>Its position among the names its file declares (<see cref="SymbolTable.Declared"/>).</summary>
    public int Ordinal { get; }

    /// <summary>The next symbol of the same full name in the same file (<see cref="FileSymbols"/>), if any.</summary>
    internal Symbol? NextInFile { get; set; }

    /// <summary>The C# class protoc generates for a message or enum, or <c>""</c>.</summary>
    public string CSharpName => Type?.CSharpName ?? string.Empty;

    /// <summary>Whether files other than <see cref="File"/> may use it (edition 2024 <c>export</c>/<c>local</c>).</summary>
    public TypeVisibility Visibility => Type?.Visibility ?? TypeVisibility.Exported;

    public bool IsType => Kind is SymbolKind.Message or SymbolKind.Enum or SymbolKind.MapEntry;

    /// <summary>How a message names the kind: <c>message</c>, <c>enum value</c>, ...</summary>
    public static string Describe(SymbolKind kind) => kind switch
    {
        SymbolKind.Package => "package",
        SymbolKind.Message => "message",
        SymbolKind.Enum => "enum",
        SymbolKind.Service => "service",
        SymbolKind.Rpc => "rpc",
        SymbolKind.MapEntry => "map entry",
        SymbolKind.Extension => "extension",
        _ => "enum value",
    };

    public static string WithArticle(SymbolKind kind) =>
        (kind is SymbolKind.Enum or SymbolKind.EnumValue or SymbolKind.Rpc or SymbolKind.Extension ? "an " : "a ") + Describe(kind);
}

/// <summary>
/// Every name the project's files (and the built-in well-known files) declare, by full name, and protobuf's name
/// lookup over them. A name declared by two files is reported (GRPCSRV006) where the later file declares it; the
/// first declaration, in import-path order, wins.
/// </summary>
internal sealed class SymbolTable
{
    private readonly Dictionary<string, List<Symbol>> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Symbol> _typesByCSharpName = new(StringComparer.Ordinal);
    private readonly List<DiagnosticInfo> _diagnostics;

    public SymbolTable(IEnumerable<ProtoFileSpec> files, List<DiagnosticInfo> diagnostics)
    {
        _diagnostics = diagnostics;
        foreach (var file in files)
        {
            Declare(file);
        }

        foreach (var list in _symbols.Values)
        {
            foreach (var symbol in list)
            {
                if (symbol.CSharpName.Length > 0 && !_typesByCSharpName.ContainsKey(symbol.CSharpName))
                {
                    _typesByCSharpName.Add(symbol.CSharpName, symbol);
                }
            }
        }
    }

    /// <summary>The message or enum whose C# class has this <c>global::</c>-qualified name, if any.</summary>
    public Symbol? FindByCSharpName(string qualifiedName) => _typesByCSharpName.TryGetValue(qualifiedName, out var symbol) ? symbol : null;

    /// <summary>Finds a symbol by full name among the files <paramref name="visible"/> to the current file.</summary>
    public Symbol? Find(string fullName, HashSet<ProtoFileSpec> visible)
    {
        if (!_symbols.TryGetValue(fullName, out var list))
        {
            return null;
        }

        foreach (var symbol in list)
        {
            if (visible.Contains(symbol.File))
            {
                return symbol;
            }
        }

        return null;
    }

    /// <summary>Finds a symbol by full name in any file.</summary>
    public Symbol? FindAnywhere(string fullName) => _symbols.TryGetValue(fullName, out var list) ? list[0] : null;

    /// <summary>
    /// protoc's name lookup (<c>DescriptorBuilder::LookupSymbolNoPlaceholder</c>): a leading dot
    /// means fully qualified; otherwise the first part of the name is searched from the innermost
    /// scope (the referring element's own full name) outwards, and the rest of a compound name is
    /// then looked up only inside the first aggregate (package, message, enum or service) found.
    /// In the <c>LOOKUP_ALL</c> mode protoc uses for rpc types and extendees, a simple name takes
    /// the first symbol found, whatever it is (<c>rpc Ping(Ping)</c> names the rpc itself); in the
    /// <c>LOOKUP_TYPES</c> mode of field types (<paramref name="typesOnly"/>) it skips non-types.
    /// </summary>
    /// <param name="name">The name as written.</param>
    /// <param name="scope">The full name of the referring element (for an rpc, <c>pkg.Service.Rpc</c>).</param>
    /// <param name="find">Finds a symbol by full name.</param>
    /// <param name="typesOnly">Whether a simple name skips symbols that are not messages or enums.</param>
    /// <param name="stoppedAt">When the first part of a dotted name was found but the rest was not: the full name that was tried.</param>
    public static Symbol? Lookup(string name, string scope, Func<string, Symbol?> find, bool typesOnly, out string? stoppedAt)
    {
        stoppedAt = null;
        if (name.StartsWith(".", StringComparison.Ordinal))
        {
            return find(name.Substring(1));
        }

        var dot = name.IndexOf('.');
        var firstPart = dot < 0 ? name : name.Substring(0, dot);
        var scopeToTry = scope;
        while (true)
        {
            var lastDot = scopeToTry.LastIndexOf('.');
            if (lastDot < 0)
            {
                return find(name);
            }

            scopeToTry = scopeToTry.Substring(0, lastDot);
            var candidate = find(scopeToTry + "." + firstPart);
            if (candidate is not null)
            {
                if (dot < 0)
                {
                    if (typesOnly && !candidate.IsType)
                    {
                        continue;
                    }

                    return candidate;
                }

                if (candidate.Kind is SymbolKind.Package or SymbolKind.Message or SymbolKind.Enum or SymbolKind.Service)
                {
                    var fullName = scopeToTry + "." + name;
                    var found = find(fullName);
                    stoppedAt = found is null ? fullName : null;
                    return found;
                }
            }
        }
    }

    /// <summary>
    /// Every name a file declares, in the order protoc declares them across files: the package's scopes, the messages
    /// and enums, each service followed by its rpcs, the enum values, the map entries and the extensions.
    /// </summary>
    public static List<Symbol> Declared(ProtoFileSpec file)
    {
        var symbols = new List<Symbol>(file.Types.Count + file.EnumValues.Count + file.MapEntries.Count + file.Extensions.Count + 8);
        foreach (var part in Model.CSharpNaming.PackagePrefixes(file.Package))
        {
            symbols.Add(new Symbol(SymbolKind.Package, part, file, ordinal: symbols.Count));
        }

        foreach (var type in file.Types)
        {
            symbols.Add(new Symbol(type.Kind == ProtoTypeKind.Enum ? SymbolKind.Enum : SymbolKind.Message, type.FullName, file, type, span: type.Span, ordinal: symbols.Count));
        }

        foreach (var service in file.Services)
        {
            symbols.Add(new Symbol(SymbolKind.Service, service.FullName, file, span: service.NameSpan, ordinal: symbols.Count));
            foreach (var rpc in service.Rpcs)
            {
                symbols.Add(new Symbol(SymbolKind.Rpc, service.FullName + "." + rpc.Name, file, span: rpc.NameSpan, ordinal: symbols.Count));
            }
        }

        foreach (var value in file.EnumValues)
        {
            symbols.Add(new Symbol(SymbolKind.EnumValue, value, file, ordinal: symbols.Count));
        }

        foreach (var entry in file.MapEntries)
        {
            symbols.Add(new Symbol(SymbolKind.MapEntry, entry, file, ordinal: symbols.Count));
        }

        foreach (var extension in file.Extensions)
        {
            symbols.Add(new Symbol(SymbolKind.Extension, extension.FullName, file, extension: extension, ordinal: symbols.Count));
        }

        return symbols;
    }

    private void Declare(ProtoFileSpec file)
    {
        foreach (var symbol in Declared(file))
        {
            Add(symbol, symbol.Span);
        }
    }

    private void Add(Symbol symbol, SourceSpan? span)
    {
        if (!_symbols.TryGetValue(symbol.FullName, out var list))
        {
            _symbols.Add(symbol.FullName, new List<Symbol> { symbol });
            return;
        }

        // A package may be declared by many files; anything else only once in the project.
        var clash = list.Find(s => !(s.Kind == SymbolKind.Package && symbol.Kind == SymbolKind.Package) && s.File != symbol.File);
        if (clash is not null && span is not null)
        {
            _diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.DuplicateNameInOtherFile.Key(),
                symbol.File.Path,
                span,
                symbol.FullName,
                Symbol.WithArticle(clash.Kind),
                clash.File.ImportPath));
            return;
        }

        list.Add(symbol);
    }
}
