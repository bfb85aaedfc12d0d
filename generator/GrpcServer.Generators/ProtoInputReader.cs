using System;
using System.Collections.Generic;
using System.Threading;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GrpcServer.Generators;

/// <summary>Reads a .proto AdditionalFile and its MSBuild metadata into a <see cref="ProtoFileInput"/>.</summary>
internal static class ProtoInputReader
{
    internal const string ProtoRootKey = "build_metadata.AdditionalFiles.ProtoRoot";
    internal const string AdditionalImportDirsKey = "build_metadata.AdditionalFiles.AdditionalImportDirs";
    internal const string ProjectDirKey = "build_property.ProjectDir";
    internal const string MSBuildProjectDirectoryKey = "build_property.MSBuildProjectDirectory";

    private static readonly char[] ImportDirSeparators = [';', '|'];

    public static bool IsProtoFile(AdditionalText text) => text.Path.EndsWith(".proto", StringComparison.OrdinalIgnoreCase);

    public static ProtoFileInput Read(AdditionalText text, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
    {
        var path = ProtoPath.Normalize(text.Path);
        var originalPath = text.Path;
        var fileOptions = options.GetOptions(text);
        var projectDirectory = GetValue(options.GlobalOptions, ProjectDirKey) ?? GetValue(options.GlobalOptions, MSBuildProjectDirectoryKey);
        var baseDirectory = projectDirectory is null ? ProtoPath.GetDirectory(path) : ProtoPath.Normalize(projectDirectory);
        var directories = new List<string>();

        string? importPath = null;
        var protoRoot = GetValue(fileOptions, ProtoRootKey);
        if (protoRoot is not null)
        {
            var root = ProtoPath.Combine(baseDirectory, protoRoot);
            directories.Add(root);
            importPath = ProtoPath.GetRelativePath(root, path);
        }

        if (projectDirectory is not null)
        {
            directories.Add(baseDirectory);
            importPath ??= ProtoPath.GetRelativePath(baseDirectory, path);
        }

        importPath ??= ProtoPath.GetFileName(path);

        // The MSBuild targets write the list with '|': Roslyn's .editorconfig reader cuts a value at its first ';'.
        var importDirs = GetValue(fileOptions, AdditionalImportDirsKey);
        if (importDirs is not null)
        {
            foreach (var dir in importDirs.Split(ImportDirSeparators))
            {
                var trimmed = dir.Trim();
                if (trimmed.Length > 0)
                {
                    directories.Add(ProtoPath.Combine(baseDirectory, trimmed));
                }
            }
        }

        directories.Add(ProtoPath.GetDirectory(path));
        var content = text.GetText(cancellationToken)?.ToString() ?? string.Empty;
        return new ProtoFileInput(originalPath, importPath, directories.ToEquatableArray(), content);
    }

    private static string? GetValue(AnalyzerConfigOptions options, string key) =>
        options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
