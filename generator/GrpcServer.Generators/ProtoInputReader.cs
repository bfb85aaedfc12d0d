using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GrpcServer.Generators;

/// <summary>Reads a .proto AdditionalFile and its MSBuild metadata into a <see cref="ProtoFileInput"/>.</summary>
/// <remarks>
/// The GrpcServer targets hand the paths over percent-encoded (<c>GrpcServerProjectDir</c>, <c>GrpcServerProtoRoot</c>,
/// <c>GrpcServerImportDirs</c>), because Roslyn's .editorconfig reader cuts a value at its first <c>#</c> or <c>;</c>.
/// Without them (another host, or an AdditionalFile given its metadata by hand) the plain values are read as they are.
/// </remarks>
internal static class ProtoInputReader
{
    internal const string EncodedProtoRootKey = "build_metadata.AdditionalFiles.GrpcServerProtoRoot";
    internal const string EncodedImportDirsKey = "build_metadata.AdditionalFiles.GrpcServerImportDirs";
    internal const string EncodedProjectDirKey = "build_property.GrpcServerProjectDir";
    internal const string ProtoRootKey = "build_metadata.AdditionalFiles.ProtoRoot";
    internal const string AdditionalImportDirsKey = "build_metadata.AdditionalFiles.AdditionalImportDirs";
    internal const string ProjectDirKey = "build_property.ProjectDir";
    internal const string MSBuildProjectDirectoryKey = "build_property.MSBuildProjectDirectory";

    // An encoded list is split at ';' only; a plain one also at '|', which older GrpcServer targets wrote for ';'.
    private static readonly char[] EncodedSeparators = [';'];
    private static readonly char[] PlainSeparators = [';', '|'];

    public static bool IsProtoFile(AdditionalText text) => text.Path.EndsWith(".proto", StringComparison.OrdinalIgnoreCase);

    public static ProtoFileInput Read(AdditionalText text, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
    {
        var path = ProtoPath.Normalize(text.Path);
        var originalPath = text.Path;
        var fileOptions = options.GetOptions(text);
        var projectDirectory = GetDecoded(options.GlobalOptions, EncodedProjectDirKey)
            ?? GetValue(options.GlobalOptions, ProjectDirKey)
            ?? GetValue(options.GlobalOptions, MSBuildProjectDirectoryKey);
        var baseDirectory = projectDirectory is null ? ProtoPath.GetDirectory(path) : ProtoPath.Normalize(projectDirectory);
        var directories = new List<string>();

        string? importPath = null;
        var protoRoot = GetDecoded(fileOptions, EncodedProtoRootKey) ?? GetValue(fileOptions, ProtoRootKey);
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

        var encodedImportDirs = GetDecoded(fileOptions, EncodedImportDirsKey);
        var importDirs = encodedImportDirs ?? GetValue(fileOptions, AdditionalImportDirsKey);
        if (importDirs is not null)
        {
            foreach (var dir in importDirs.Split(encodedImportDirs is null ? PlainSeparators : EncodedSeparators))
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

    /// <summary>
    /// Decodes <c>%XX</c> (two hex digits, one UTF-16 unit as the targets encode only ASCII characters); any other
    /// <c>%</c> is kept as it is, so a value no one encoded passes unchanged.
    /// </summary>
    internal static string Decode(string value)
    {
        if (value.IndexOf('%') < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && HexValue(value[i + 1]) is var high and >= 0 && HexValue(value[i + 2]) is var low and >= 0)
            {
                builder.Append((char)((high * 16) + low));
                i += 2;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string? GetDecoded(AnalyzerConfigOptions options, string key)
    {
        var value = GetValue(options, key);
        return value is null ? null : Decode(value);
    }

    private static string? GetValue(AnalyzerConfigOptions options, string key) =>
        options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
