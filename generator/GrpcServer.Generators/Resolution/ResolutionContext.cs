using System.Collections.Generic;
using System.Text;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// What every cross-file check needs: the symbols, the imports, and the list diagnostics go to; and how a name that
/// does not resolve is explained (the trailing part of a GRPCSRV004 message).
/// </summary>
internal sealed class ResolutionContext
{
    public ResolutionContext(SymbolTable symbols, ImportGraph imports, List<DiagnosticInfo> diagnostics)
    {
        Symbols = symbols;
        Imports = imports;
        Diagnostics = diagnostics;
    }

    public SymbolTable Symbols { get; }

    public ImportGraph Imports { get; }

    public List<DiagnosticInfo> Diagnostics { get; }

    public void Report(string id, ProtoFileSpec file, SourceSpan span, params string[] arguments) =>
        Diagnostics.Add(DiagnosticInfo.Create(id, file.Path, span, arguments));

    /// <summary>Looks a type name up from <paramref name="scope"/> among the files <paramref name="file"/> sees.</summary>
    public Symbol? Lookup(ProtoFileSpec file, string name, string scope, bool typesOnly)
    {
        var visible = Imports.Visible(file);
        return SymbolTable.Lookup(name, scope, fullName => Symbols.Find(fullName, visible), typesOnly, out _);
    }

    /// <summary>Why a type local to its file (edition 2024) cannot be used by another: protoc's "Symbol ... is not visible from ...".</summary>
    public static string ExplainLocal(Symbol symbol) =>
        symbol.Visibility == TypeVisibility.Local
            ? $"; '{symbol.FullName}' is declared 'local' in '{symbol.File.ImportPath}', so only that file may use it (declare it 'export' to use it here)"
            : $"; '{symbol.FullName}' is local to '{symbol.File.ImportPath}' by that file's features.default_symbol_visibility (in edition 2024 nested types are local unless declared 'export'); declare it 'export' to use it here";

    /// <summary>Why a name does not resolve: declared in a file that is not imported, hidden by a nearer scope, or maybe in a missing import.</summary>
    public string ExplainUnknown(ProtoFileSpec file, string name, string scope, bool typesOnly)
    {
        var anywhere = SymbolTable.Lookup(name, scope, Symbols.FindAnywhere, typesOnly, out var stoppedAt);
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

        var missing = Imports.Missing(file);
        if (missing.Count > 0)
        {
            var builder = new StringBuilder("; it may be declared in ");
            for (var i = 0; i < missing.Count; i++)
            {
                builder.Append(i == 0 ? string.Empty : ", ").Append('\'').Append(missing[i]).Append('\'');
            }

            builder.Append(missing.Count == 1 ? ", which was not found" : ", which were not found");
            return builder.ToString();
        }

        return string.Empty;
    }
}
