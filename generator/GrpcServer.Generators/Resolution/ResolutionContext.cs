using System.Collections.Generic;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// What every cross-file check needs: the symbols, the imports, and the list diagnostics go to; and which GRPCSRV004
/// message explains a name that does not resolve (the wording is in <see cref="DiagnosticDescriptors"/>).
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

    public void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, ProtoFileSpec file, SourceSpan span, params string[] arguments) =>
        Diagnostics.Add(DiagnosticInfo.Create(descriptor.Key(), file.Path, span, arguments));

    /// <summary>Looks a type name up from <paramref name="scope"/> among the files <paramref name="file"/> sees.</summary>
    public Symbol? Lookup(ProtoFileSpec file, string name, string scope, bool typesOnly)
    {
        var visible = Imports.Visible(file);
        return SymbolTable.Lookup(name, scope, fullName => Symbols.Find(fullName, visible), typesOnly, out _);
    }

    /// <summary>Reports a type local to another file (edition 2024): protoc's "Symbol ... is not visible from ...".</summary>
    public void ReportLocal(ProtoFileSpec file, SourceSpan span, string name, string where, Symbol symbol) =>
        Report(
            symbol.Visibility == TypeVisibility.Local ? DiagnosticDescriptors.UnknownTypeLocal : DiagnosticDescriptors.UnknownTypeLocalByDefault,
            file,
            span,
            name,
            where,
            symbol.FullName,
            symbol.File.ImportPath);

    /// <summary>
    /// Reports a name that does not resolve, with why when it is known: declared in a file that is not imported,
    /// hidden by a nearer scope, or maybe in an import that was not found.
    /// </summary>
    public void ReportUnknown(ProtoFileSpec file, SourceSpan span, string name, string where, string scope, bool typesOnly)
    {
        var anywhere = SymbolTable.Lookup(name, scope, Symbols.FindAnywhere, typesOnly, out var stoppedAt);
        if (stoppedAt is not null)
        {
            // protoc: the innermost scope that has the first part of a dotted name is the only one searched.
            var firstPart = name.Substring(0, name.IndexOf('.'));
            var firstFullName = stoppedAt.Substring(0, stoppedAt.Length - name.Length + firstPart.Length);
            Report(DiagnosticDescriptors.UnknownTypeInnerScope, file, span, name, where, stoppedAt, firstPart, firstFullName);
            return;
        }

        if (anywhere is not null && anywhere.File != file)
        {
            var optionsOnly = false;
            foreach (var import in file.Imports)
            {
                optionsOnly |= import.Kind == ImportKind.Option && ProtoPath.Normalize(import.Path) == anywhere.File.ImportPath;
            }

            Report(
                optionsOnly ? DiagnosticDescriptors.UnknownTypeImportedForOptions : DiagnosticDescriptors.UnknownTypeNotImported,
                file,
                span,
                name,
                where,
                anywhere.FullName,
                anywhere.File.ImportPath,
                file.ImportPath);
            return;
        }

        var missing = Imports.Missing(file);
        if (missing.Count == 1)
        {
            Report(DiagnosticDescriptors.UnknownTypeMissingImport, file, span, name, where, missing[0]);
        }
        else if (missing.Count > 1)
        {
            Report(DiagnosticDescriptors.UnknownTypeMissingImports, file, span, name, where, "'" + string.Join("', '", missing) + "'");
        }
        else
        {
            Report(DiagnosticDescriptors.UnknownType, file, span, name, where);
        }
    }
}
