using System.Collections.Generic;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// What every cross-file check needs: name look-up from a file, and the list diagnostics go to; and which GRPCSRV004
/// message explains a name that does not resolve (the wording is in <see cref="DiagnosticDescriptors"/>). Two kinds:
/// <see cref="FileResolutionContext"/> resolves one file among the few files it sees, and
/// <see cref="ProjectResolutionContext"/> has the whole project, for what needs it (why a name does not resolve,
/// custom options).
/// </summary>
internal abstract class ResolutionContext
{
    protected ResolutionContext(List<DiagnosticInfo> diagnostics) => Diagnostics = diagnostics;

    /// <summary>Where reports go (the resolver switches lists between its phases).</summary>
    public List<DiagnosticInfo> Diagnostics { get; set; }

    public void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, ProtoFileSpec file, SourceSpan span, params string[] arguments) =>
        Diagnostics.Add(DiagnosticInfo.Create(descriptor.Key(), file.Path, span, arguments));

    /// <summary>Looks a type name up from <paramref name="scope"/> among the files <paramref name="file"/> sees.</summary>
    public abstract Symbol? Lookup(ProtoFileSpec file, string name, string scope, bool typesOnly);

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
    public abstract void ReportUnknown(ProtoFileSpec file, SourceSpan span, string name, string where, string scope, bool typesOnly);
}

/// <summary>The whole project's symbols and imports: what the resolver had for every file before it was incremental.</summary>
internal sealed class ProjectResolutionContext : ResolutionContext
{
    public ProjectResolutionContext(SymbolTable symbols, ImportGraph imports, List<DiagnosticInfo> diagnostics)
        : base(diagnostics)
    {
        Symbols = symbols;
        Imports = imports;
    }

    public SymbolTable Symbols { get; }

    public ImportGraph Imports { get; }

    public override Symbol? Lookup(ProtoFileSpec file, string name, string scope, bool typesOnly)
    {
        var visible = Imports.Visible(file);
        return SymbolTable.Lookup(name, scope, fullName => Symbols.Find(fullName, visible), typesOnly, out _);
    }

    public override void ReportUnknown(ProtoFileSpec file, SourceSpan span, string name, string where, string scope, bool typesOnly)
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

/// <summary>
/// One file's resolution among the files it sees (<see cref="FileView"/>): a name found there is found exactly as the
/// whole project would find it, because the view says which of their names another file declared first. What needs
/// the whole project (explaining a name that does not resolve, custom options) only sets <see cref="NeedsProject"/>;
/// the file is then resolved again with a <see cref="ProjectResolutionContext"/>.
/// </summary>
internal sealed class FileResolutionContext : ResolutionContext
{
    private readonly FileView _view;

    public FileResolutionContext(FileView view, List<DiagnosticInfo> diagnostics)
        : base(diagnostics) => _view = view;

    /// <summary>Whether something was found that only the whole project can explain.</summary>
    public bool NeedsProject { get; set; }

    public override Symbol? Lookup(ProtoFileSpec file, string name, string scope, bool typesOnly) =>
        SymbolTable.Lookup(name, scope, Find, typesOnly, out _);

    public override void ReportUnknown(ProtoFileSpec file, SourceSpan span, string name, string where, string scope, bool typesOnly) =>
        NeedsProject = true;

    /// <summary>The first symbol of the name, in project order, among the files the view's file sees.</summary>
    private Symbol? Find(string fullName)
    {
        foreach (var visible in _view.Visible)
        {
            if (visible.Symbols.Find(fullName, visible.Dropped) is { } symbol)
            {
                return symbol;
            }
        }

        return null;
    }
}
