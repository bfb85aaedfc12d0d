using System;
using System.Collections.Generic;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// Each file's imports, resolved among the AdditionalFiles and the built-in well-known files as protoc resolves them
/// (GRPCSRV003 for one that is not found), and what each file can see through them.
/// </summary>
internal sealed class ImportGraph
{
    private readonly List<ProtoFileSpec> _files;
    private readonly Dictionary<ProtoFileSpec, List<(ImportSpec Import, ProtoFileSpec File)>> _resolved = new(ReferenceComparer<ProtoFileSpec>.Instance);
    private readonly Dictionary<ProtoFileSpec, List<string>> _missing = new(ReferenceComparer<ProtoFileSpec>.Instance);
    private readonly Dictionary<ProtoFileSpec, HashSet<ProtoFileSpec>> _visible = new(ReferenceComparer<ProtoFileSpec>.Instance);

    /// <param name="files">The project's files.</param>
    /// <param name="allFiles">The project's files and the built-in files they do not replace.</param>
    /// <param name="diagnostics">Where imports that are not found are reported.</param>
    public ImportGraph(List<ProtoFileSpec> files, IEnumerable<ProtoFileSpec> allFiles, List<DiagnosticInfo> diagnostics)
    {
        _files = files;
        foreach (var file in allFiles)
        {
            var list = new List<(ImportSpec, ProtoFileSpec)>();
            var missing = new List<string>();
            foreach (var import in file.Imports)
            {
                var target = Find(file, import.Path);
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

            _resolved[file] = list;
            _missing[file] = missing;
        }
    }

    /// <summary>The imports of <paramref name="file"/> that were not found.</summary>
    public List<string> Missing(ProtoFileSpec file) => _missing[file];

    /// <summary>The file itself, its imports, and whatever those re-export by <c>import public</c> (transitively).</summary>
    public HashSet<ProtoFileSpec> Visible(ProtoFileSpec file)
    {
        // Cached per file; the graph may be shared by generator runs on two threads (an IDE's).
        lock (_visible)
        {
            return _visible.TryGetValue(file, out var cached) ? cached : _visible[file] = Expand(file);
        }
    }

    private HashSet<ProtoFileSpec> Expand(ProtoFileSpec file)
    {
        var visible = new HashSet<ProtoFileSpec>(ReferenceComparer<ProtoFileSpec>.Instance) { file };
        var pending = new Stack<ProtoFileSpec>();
        foreach (var (import, target) in _resolved[file])
        {
            // 'import option' (edition 2024) makes only the file's options available, not its types.
            if (import.Kind != ImportKind.Option && visible.Add(target))
            {
                pending.Push(target);
            }
        }

        ExpandPublic(visible, pending);
        return visible;
    }

    /// <summary>The files whose extensions a file's options may name: what it sees, and its <c>import option</c> files.</summary>
    public HashSet<ProtoFileSpec> VisibleForOptions(ProtoFileSpec file)
    {
        var visible = new HashSet<ProtoFileSpec>(Visible(file), ReferenceComparer<ProtoFileSpec>.Instance);
        var pending = new Stack<ProtoFileSpec>();
        foreach (var (import, target) in _resolved[file])
        {
            if (import.Kind == ImportKind.Option && visible.Add(target))
            {
                pending.Push(target);
            }
        }

        ExpandPublic(visible, pending);
        return visible;
    }

    private void ExpandPublic(HashSet<ProtoFileSpec> visible, Stack<ProtoFileSpec> pending)
    {
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!_resolved.TryGetValue(current, out var list))
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
    }

    private ProtoFileSpec? Find(ProtoFileSpec importer, string importPath)
    {
        var normalized = ProtoPath.Normalize(importPath);
        foreach (var file in _files)
        {
            if (file.ImportPath == normalized)
            {
                return file;
            }
        }

        foreach (var directory in importer.ImportDirectories)
        {
            var candidate = ProtoPath.Combine(directory, normalized);
            foreach (var file in _files)
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
        foreach (var file in _files)
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
}
