using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Emitting;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;
using GrpcServer.Internal;

namespace GrpcServer.Generators.Resolution;

/// <summary>The model to emit and every diagnostic of the project's .proto files.</summary>
internal sealed record ResolutionResult(GenerationModel Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Links the parsed files: resolves imports among the AdditionalFiles and the built-in
/// well-known types, resolves rpc request/response names with protobuf's scoping rules, checks
/// names, and produces the <see cref="GenerationModel"/>.
/// </summary>
internal static class ProtoResolver
{
    private static readonly HashSet<string> s_objectMembers = new(StringComparer.Ordinal)
    {
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "ReferenceEquals", "Finalize",
    };

    private enum SymbolKind
    {
        Package,
        Message,
        Enum,
        Service,
        Rpc,
        EnumValue,
        MapEntry,
    }

    private sealed class Symbol
    {
        public Symbol(SymbolKind kind, string fullName, string cSharpName, ProtoFileSpec file, TypeVisibility visibility = TypeVisibility.Exported)
        {
            Kind = kind;
            FullName = fullName;
            CSharpName = cSharpName;
            File = file;
            Visibility = visibility;
        }

        /// <summary>Whether files other than <see cref="File"/> may use it (edition 2024 <c>export</c>/<c>local</c>).</summary>
        public TypeVisibility Visibility { get; }

        public SymbolKind Kind { get; }

        public string FullName { get; }

        public string CSharpName { get; }

        public ProtoFileSpec File { get; }
    }

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

        // Every declared symbol, by full name; the first declaration (in path order) wins.
        var symbols = new Dictionary<string, List<Symbol>>(StringComparer.Ordinal);
        var allFiles = new List<ProtoFileSpec>(files);
        foreach (var builtIn in WellKnownTypes.Files.Values)
        {
            if (!files.Exists(f => f.ImportPath == builtIn.ImportPath))
            {
                allFiles.Add(builtIn);
            }
        }

        foreach (var file in allFiles)
        {
            DeclareFileSymbols(file, symbols, diagnostics);
        }

        var typesByCSharpName = new Dictionary<string, Symbol>(StringComparer.Ordinal);
        foreach (var list in symbols.Values)
        {
            foreach (var symbol in list)
            {
                if (symbol.CSharpName.Length > 0 && !typesByCSharpName.ContainsKey(symbol.CSharpName))
                {
                    typesByCSharpName.Add(symbol.CSharpName, symbol);
                }
            }
        }

        var resolvedImports = new Dictionary<ProtoFileSpec, List<(ImportSpec Import, ProtoFileSpec File)>>(ReferenceComparer<ProtoFileSpec>.Instance);
        var missingImports = new Dictionary<ProtoFileSpec, List<string>>(ReferenceComparer<ProtoFileSpec>.Instance);
        foreach (var file in allFiles)
        {
            var list = new List<(ImportSpec, ProtoFileSpec)>();
            var missing = new List<string>();
            foreach (var import in file.Imports)
            {
                var target = FindImport(file, import.Path, files);
                if (target is null)
                {
                    missing.Add(import.Path);
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ImportNotFound.Id, file.Path, import.Span, import.Path));
                }
                else
                {
                    list.Add((import, target));
                }
            }

            resolvedImports[file] = list;
            missingImports[file] = missing;
        }

        var usedHintNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { SourceEmitter.CatalogHintName, SourceEmitter.AddHandlerHintName };
        var descriptorClasses = new Dictionary<string, string>(StringComparer.Ordinal);
        var fileModels = new List<ServiceFileModel>();
        foreach (var file in files)
        {
            if (file.Services.IsEmpty || file.HasSyntaxErrors)
            {
                continue;
            }

            var visible = GetVisibleFiles(file, resolvedImports);
            var services = new List<ServiceModel>();
            foreach (var service in file.Services)
            {
                var model = ResolveService(file, service, visible, symbols, typesByCSharpName, missingImports[file], descriptorClasses, diagnostics);
                if (model is not null)
                {
                    services.Add(model);
                }
            }

            if (services.Count > 0)
            {
                fileModels.Add(new ServiceFileModel(
                    CreateHintName(file.ImportPath, usedHintNames),
                    file.ImportPath,
                    file.CSharpNamespace,
                    CSharpNaming.GetReflectionClassName(file.ImportPath, file.CSharpNamespace),
                    services.ToEquatableArray()));
            }
        }

        foreach (var file in files)
        {
            // A file with syntax errors may have lost declarations: one mistake, one diagnostic.
            if (!file.HasSyntaxErrors)
            {
                CheckTypeReferences(file, GetVisibleFiles(file, resolvedImports), symbols, missingImports[file], diagnostics);
            }
        }

        return new ResolutionResult(new GenerationModel(fileModels.ToEquatableArray()), diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// Checks that the types named by fields, map values, extensions and <c>extend</c> exist and are
    /// visible, as protoc does (it looks field types up in <c>LOOKUP_TYPES</c> mode, skipping
    /// fields and services that have the name). Nothing is generated from fields; this only
    /// reports the mistakes protoc would reject the file for.
    /// </summary>
    private static void CheckTypeReferences(
        ProtoFileSpec file,
        HashSet<ProtoFileSpec> visible,
        Dictionary<string, List<Symbol>> symbols,
        List<string> missingImports,
        List<DiagnosticInfo> diagnostics)
    {
        foreach (var reference in file.TypeReferences)
        {
            var typesOnly = !reference.IsExtendee;
            var symbol = LookupType(reference.Name, reference.Scope, name => Find(name, visible, symbols), typesOnly, out _);
            string? problem;
            if (symbol is null)
            {
                problem = ExplainUnknown(file, reference.Name, reference.Scope, symbols, missingImports, typesOnly);
            }
            else if (symbol.Visibility != TypeVisibility.Exported && symbol.File != file)
            {
                problem = ExplainLocal(symbol);
            }
            else if (reference.IsExtendee ? symbol.Kind is not (SymbolKind.Message or SymbolKind.MapEntry) : !IsType(symbol.Kind))
            {
                problem = $"; '{symbol.FullName}' is {WithArticle(symbol.Kind)}, not a message{(reference.IsExtendee ? " (only messages can be extended)" : " or enum")}";
            }
            else
            {
                continue;
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownType.Id, file.Path, reference.Span, reference.Name, reference.Context, problem));
        }
    }

    private static bool IsType(SymbolKind kind) => kind is SymbolKind.Message or SymbolKind.Enum or SymbolKind.MapEntry;

    /// <summary>Why a type local to its file (edition 2024) cannot be used by another: protoc's "Symbol ... is not visible from ...".</summary>
    private static string ExplainLocal(Symbol symbol) =>
        symbol.Visibility == TypeVisibility.Local
            ? $"; '{symbol.FullName}' is declared 'local' in '{symbol.File.ImportPath}', so only that file may use it (declare it 'export' to use it here)"
            : $"; '{symbol.FullName}' is local to '{symbol.File.ImportPath}' by that file's features.default_symbol_visibility (in edition 2024 nested types are local unless declared 'export'); declare it 'export' to use it here";

    private static void DeclareFileSymbols(ProtoFileSpec file, Dictionary<string, List<Symbol>> symbols, List<DiagnosticInfo> diagnostics)
    {
        if (file.Package.Length > 0)
        {
            var prefix = string.Empty;
            foreach (var part in file.Package.Split('.'))
            {
                prefix = prefix.Length == 0 ? part : prefix + "." + part;
                Add(new Symbol(SymbolKind.Package, prefix, string.Empty, file), null);
            }
        }

        foreach (var type in file.Types)
        {
            Add(new Symbol(type.Kind == ProtoTypeKind.Enum ? SymbolKind.Enum : SymbolKind.Message, type.FullName, type.CSharpName, file, type.Visibility), type.Span);
        }

        foreach (var service in file.Services)
        {
            Add(new Symbol(SymbolKind.Service, service.FullName, string.Empty, file), service.NameSpan);
            foreach (var rpc in service.Rpcs)
            {
                Add(new Symbol(SymbolKind.Rpc, service.FullName + "." + rpc.Name, string.Empty, file), rpc.NameSpan);
            }
        }

        foreach (var value in file.EnumValues)
        {
            Add(new Symbol(SymbolKind.EnumValue, value, string.Empty, file), null);
        }

        foreach (var entry in file.MapEntries)
        {
            Add(new Symbol(SymbolKind.MapEntry, entry, string.Empty, file), null);
        }

        void Add(Symbol symbol, SourceSpan? span)
        {
            if (!symbols.TryGetValue(symbol.FullName, out var list))
            {
                symbols.Add(symbol.FullName, new List<Symbol> { symbol });
                return;
            }

            // A package may be declared by many files; anything else only once in the project.
            var clash = list.Find(s => !(s.Kind == SymbolKind.Package && symbol.Kind == SymbolKind.Package) && s.File != file);
            if (clash is not null && span is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.DuplicateName.Id,
                    file.Path,
                    span,
                    symbol.FullName,
                    $"as {WithArticle(clash.Kind)} in '{clash.File.ImportPath}'"));
                return;
            }

            list.Add(symbol);
        }
    }

    private static ProtoFileSpec? FindImport(ProtoFileSpec importer, string importPath, List<ProtoFileSpec> files)
    {
        var normalized = ProtoPath.Normalize(importPath);
        foreach (var file in files)
        {
            if (file.ImportPath == normalized)
            {
                return file;
            }
        }

        foreach (var directory in importer.ImportDirectories)
        {
            var candidate = ProtoPath.Combine(directory, normalized);
            foreach (var file in files)
            {
                if (string.Equals(ProtoPath.Normalize(file.Path), candidate, StringComparison.Ordinal))
                {
                    return file;
                }
            }
        }

        if (WellKnownTypes.Files.TryGetValue(normalized, out var builtIn))
        {
            return builtIn;
        }

        // Last resort: exactly one project file whose path ends with the import path.
        ProtoFileSpec? match = null;
        foreach (var file in files)
        {
            if (ProtoPath.Normalize(file.Path).EndsWith("/" + normalized, StringComparison.Ordinal))
            {
                if (match is not null)
                {
                    return null;
                }

                match = file;
            }
        }

        return match;
    }

    /// <summary>The file itself, its imports, and whatever those re-export by <c>import public</c> (transitively).</summary>
    private static HashSet<ProtoFileSpec> GetVisibleFiles(ProtoFileSpec file, Dictionary<ProtoFileSpec, List<(ImportSpec Import, ProtoFileSpec File)>> imports)
    {
        var visible = new HashSet<ProtoFileSpec>(ReferenceComparer<ProtoFileSpec>.Instance) { file };
        var pending = new Stack<ProtoFileSpec>();
        foreach (var (import, target) in imports[file])
        {
            // 'import option' (edition 2024) makes only the file's options available, not its types.
            if (import.Kind != ImportKind.Option && visible.Add(target))
            {
                pending.Push(target);
            }
        }

        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!imports.TryGetValue(current, out var list))
            {
                continue;
            }

            foreach (var (import, target) in list)
            {
                if (import.Kind == ImportKind.Public && visible.Add(target))
                {
                    pending.Push(target);
                }
            }
        }

        return visible;
    }

    private static ServiceModel? ResolveService(
        ProtoFileSpec file,
        ServiceSpec service,
        HashSet<ProtoFileSpec> visible,
        Dictionary<string, List<Symbol>> symbols,
        Dictionary<string, Symbol> typesByCSharpName,
        List<string> missingImports,
        Dictionary<string, string> descriptorClasses,
        List<DiagnosticInfo> diagnostics)
    {
        var className = service.Name + "Rpcs";
        var qualifiedClassName = "global::" + (file.CSharpNamespace.Length > 0 ? file.CSharpNamespace + "." : string.Empty) + className;
        if (descriptorClasses.TryGetValue(qualifiedClassName, out var owner))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.GeneratedNameClash.Id,
                file.Path,
                service.NameSpan,
                $"the descriptor class '{qualifiedClassName}' for service '{service.FullName}' is already generated for service '{owner}'; give one of the services another name or its file another csharp_namespace"));
            return null;
        }

        if (typesByCSharpName.TryGetValue(qualifiedClassName, out var symbol))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.GeneratedNameClash.Id,
                file.Path,
                service.NameSpan,
                $"the descriptor class '{qualifiedClassName}' for service '{service.FullName}' has the name of {Describe(symbol.Kind)} '{symbol.FullName}' (declared in '{symbol.File.ImportPath}'); rename the service or the {Describe(symbol.Kind)}"));
            return null;
        }

        descriptorClasses.Add(qualifiedClassName, service.FullName);
        var rpcs = new List<RpcModel>();
        foreach (var rpc in service.Rpcs)
        {
            if (rpc.Name == className)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.GeneratedNameClash.Id,
                    file.Path,
                    rpc.NameSpan,
                    $"rpc '{rpc.Name}' would be a member named like its enclosing class '{className}', which C# does not allow; rename the rpc or the service"));
                continue;
            }

            var scope = service.FullName + "." + rpc.Name;
            var request = ResolveRpcType(file, rpc, rpc.Request, "request", scope, visible, symbols, missingImports, diagnostics);
            var response = ResolveRpcType(file, rpc, rpc.Response, "response", scope, visible, symbols, missingImports, diagnostics);
            if (request is null || response is null)
            {
                continue;
            }

            var kind = (rpc.Request.Streaming, rpc.Response.Streaming) switch
            {
                (false, false) => RpcKind.Unary,
                (false, true) => RpcKind.ServerStreaming,
                (true, false) => RpcKind.ClientStreaming,
                _ => RpcKind.DuplexStreaming,
            };
            var memberName = CSharpNaming.EscapeIdentifier(rpc.Name);
            rpcs.Add(new RpcModel(rpc.Name, memberName, kind, request, response, rpc.Comment, s_objectMembers.Contains(rpc.Name)));
        }

        return new ServiceModel(file.Package, service.Name, className, qualifiedClassName, service.Comment, rpcs.ToEquatableArray());
    }

    private static string? ResolveRpcType(
        ProtoFileSpec file,
        RpcSpec rpc,
        TypeReferenceSpec reference,
        string role,
        string scope,
        HashSet<ProtoFileSpec> visible,
        Dictionary<string, List<Symbol>> symbols,
        List<string> missingImports,
        List<DiagnosticInfo> diagnostics)
    {
        var symbol = LookupType(reference.Name, scope, name => Find(name, visible, symbols), typesOnly: false, out _);
        if (symbol is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnknownType.Id,
                file.Path,
                reference.Span,
                reference.Name,
                $"rpc '{rpc.Name}' {role}",
                ExplainUnknown(file, reference.Name, scope, symbols, missingImports, typesOnly: false)));
            return null;
        }

        if (symbol.Visibility != TypeVisibility.Exported && symbol.File != file)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownType.Id, file.Path, reference.Span, reference.Name, $"rpc '{rpc.Name}' {role}", ExplainLocal(symbol)));
            return null;
        }

        if (symbol.Kind != SymbolKind.Message)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.RpcTypeNotMessage.Id,
                file.Path,
                reference.Span,
                role,
                rpc.Name,
                "the " + Describe(symbol.Kind),
                symbol.FullName));
            return null;
        }

        return symbol.CSharpName;
    }

    /// <summary>Finds a symbol by full name among the files <paramref name="visible"/> to the current file.</summary>
    private static Symbol? Find(string fullName, HashSet<ProtoFileSpec> visible, Dictionary<string, List<Symbol>> symbols)
    {
        if (!symbols.TryGetValue(fullName, out var list))
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
    private static Symbol? LookupType(string name, string scope, Func<string, Symbol?> find, bool typesOnly, out string? stoppedAt)
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
                    if (typesOnly && !IsType(candidate.Kind))
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

    private static string ExplainUnknown(ProtoFileSpec file, string name, string scope, Dictionary<string, List<Symbol>> symbols, List<string> missingImports, bool typesOnly)
    {
        // Declared in a file this one does not import?
        var anywhere = LookupType(name, scope, fullName => symbols.TryGetValue(fullName, out var list) ? list[0] : null, typesOnly, out var stoppedAt);
        if (stoppedAt is not null)
        {
            // protoc: the innermost scope that has the first part of a dotted name is the only one searched.
            var firstPart = name.Substring(0, name.IndexOf('.'));
            var firstFullName = stoppedAt.Substring(0, stoppedAt.Length - name.Length + firstPart.Length);
            return $"; it resolves to '{stoppedAt}', which is not declared: '{firstPart}' is found first as '{firstFullName}' (write '.{name}' to search from the outermost scope)";
        }

        if (anywhere is not null && anywhere.File != file)
        {
            foreach (var import in file.Imports)
            {
                if (import.Kind == ImportKind.Option && ProtoPath.Normalize(import.Path) == anywhere.File.ImportPath)
                {
                    return $"; '{anywhere.FullName}' is declared in '{anywhere.File.ImportPath}', which '{file.ImportPath}' imports only for its options (write: import \"{anywhere.File.ImportPath}\"; to use its types)";
                }
            }

            return $"; '{anywhere.FullName}' is declared in '{anywhere.File.ImportPath}', which '{file.ImportPath}' does not import (add: import \"{anywhere.File.ImportPath}\";)";
        }

        if (missingImports.Count > 0)
        {
            var builder = new StringBuilder("; it may be declared in ");
            for (var i = 0; i < missingImports.Count; i++)
            {
                builder.Append(i == 0 ? string.Empty : ", ").Append('\'').Append(missingImports[i]).Append('\'');
            }

            builder.Append(missingImports.Count == 1 ? ", which was not found" : ", which were not found");
            return builder.ToString();
        }

        return string.Empty;
    }

    private static string WithArticle(SymbolKind kind) => kind is SymbolKind.Enum or SymbolKind.EnumValue or SymbolKind.Rpc ? "an " + Describe(kind) : "a " + Describe(kind);

    private static string Describe(SymbolKind kind) => kind switch
    {
        SymbolKind.Package => "package",
        SymbolKind.Message => "message",
        SymbolKind.Enum => "enum",
        SymbolKind.Service => "service",
        SymbolKind.Rpc => "rpc",
        SymbolKind.MapEntry => "map entry",
        _ => "enum value",
    };

    /// <summary>
    /// <c>protos/greet.proto</c> becomes <c>protos.greet.proto.g.cs</c>; characters other than
    /// letters, digits, <c>_</c>, <c>-</c> and <c>.</c> become <c>_</c>; a clash gets a numeric suffix.
    /// </summary>
    internal static string CreateHintName(string importPath, HashSet<string> used)
    {
        var builder = new StringBuilder(importPath.Length + 5);
        foreach (var c in importPath)
        {
            builder.Append(c switch
            {
                '/' or '\\' => '.',
                (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' => c,
                _ => '_',
            });
        }

        var stem = builder.ToString().Trim('.');
        if (stem.Length == 0)
        {
            stem = "proto";
        }

        var hint = stem + ".g.cs";
        for (var i = 2; !used.Add(hint); i++)
        {
            hint = stem + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".g.cs";
        }

        return hint;
    }
}
