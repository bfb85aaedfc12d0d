using System.Collections.Generic;
using System.Text;

namespace GrpcServer.Generators.Model;

/// <summary>
/// The naming component: C# names exactly as protoc's C# generator (<c>csharp/names.cc</c>) forms them, the names of
/// the classes GrpcServer generates, the hint names of generated files, and a package's scopes.
/// </summary>
internal static class CSharpNaming
{
    /// <summary>The scopes a package declares, outermost first: <c>a.b.c</c> gives <c>a</c>, <c>a.b</c>, <c>a.b.c</c>.</summary>
    public static IEnumerable<string> PackagePrefixes(string package)
    {
        if (package.Length == 0)
        {
            yield break;
        }

        for (var dot = package.IndexOf('.'); dot >= 0; dot = package.IndexOf('.', dot + 1))
        {
            yield return package.Substring(0, dot);
        }

        yield return package;
    }

    /// <summary>The descriptor class GrpcServer generates for a service: <c>&lt;Service&gt;Rpcs</c>.</summary>
    public static string GetDescriptorClassName(string serviceName) => serviceName + "Rpcs";

    /// <summary>A class name in a namespace (<c>""</c> for the global one), <c>global::</c>-qualified.</summary>
    public static string Qualify(string @namespace, string className) =>
        "global::" + (@namespace.Length > 0 ? @namespace + "." : string.Empty) + className;

    /// <summary>
    /// <c>protos/greet.proto</c> becomes <c>protos.greet.proto.g.cs</c>; characters other than
    /// letters, digits, <c>_</c>, <c>-</c> and <c>.</c> become <c>_</c>; a clash gets a numeric suffix.
    /// </summary>
    public static string CreateHintName(string importPath, HashSet<string> used)
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

    private static readonly HashSet<string> s_keywords = new(System.StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class",
        "const", "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event",
        "explicit", "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if",
        "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new",
        "null", "object", "operator", "out", "override", "params", "private", "protected", "public",
        "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static",
        "string", "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong",
        "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>
    /// The namespace of a file's classes: <c>option csharp_namespace</c> when set, else the
    /// package with each part PascalCased (<c>acme.common_types</c> to <c>Acme.CommonTypes</c>).
    /// </summary>
    public static string GetNamespace(string package, string? csharpNamespace) =>
        csharpNamespace ?? UnderscoresToCamelCase(package, capitalizeNext: true, preservePeriod: true);

    /// <summary>
    /// The <c>global::</c>-qualified class of a message or enum with protobuf full name
    /// <paramref name="fullName"/> (no leading dot): the file's namespace, then the names below
    /// the package with <c>.Types.</c> between nesting levels.
    /// </summary>
    public static string GetClassName(string fullName, string package, string @namespace)
    {
        var relative = package.Length == 0 ? fullName : fullName.Substring(package.Length + 1);
        var builder = new StringBuilder("global::");
        if (@namespace.Length > 0)
        {
            builder.Append(@namespace).Append('.');
        }

        builder.Append(relative.Replace(".", ".Types."));
        return builder.ToString();
    }

    /// <summary>
    /// The class protoc generates for a file's descriptor (<c>GetReflectionClassName</c>): the file
    /// name without directories and extension, PascalCased, plus <c>Reflection</c>, in the file's namespace.
    /// </summary>
    public static string GetReflectionClassName(string protoPath, string @namespace)
    {
        var slash = protoPath.LastIndexOf('/');
        var baseName = protoPath.Substring(slash + 1);
        var dot = baseName.LastIndexOf('.');
        if (dot >= 0)
        {
            baseName = baseName.Substring(0, dot);
        }

        return Qualify(@namespace, UnderscoresToCamelCase(baseName, capitalizeNext: true, preservePeriod: false) + "Reflection");
    }

    /// <summary>protoc's <c>UnderscoresToCamelCase(input, cap_next_letter, preserve_period)</c>.</summary>
    public static string UnderscoresToCamelCase(string input, bool capitalizeNext, bool preservePeriod)
    {
        var result = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c is >= 'a' and <= 'z')
            {
                result.Append(capitalizeNext ? (char)(c - 'a' + 'A') : c);
                capitalizeNext = false;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                result.Append(i == 0 && !capitalizeNext ? (char)(c - 'A' + 'a') : c);
                capitalizeNext = false;
            }
            else if (c is >= '0' and <= '9')
            {
                result.Append(c);
                capitalizeNext = true;
            }
            else
            {
                capitalizeNext = true;
                if (c == '.' && preservePeriod)
                {
                    result.Append('.');
                }
            }
        }

        if (input.Length > 0 && input[input.Length - 1] == '#')
        {
            result.Append('_');
        }

        if (result.Length > 0 && result[0] is >= '0' and <= '9' && input.Length > 0 && input[0] == '_')
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    /// <summary>Whether <paramref name="name"/> is a C# keyword that needs <c>@</c> to be an identifier.</summary>
    public static bool IsKeyword(string name) => s_keywords.Contains(name);

    /// <summary>The identifier for <paramref name="name"/>, with <c>@</c> when it is a keyword.</summary>
    public static string EscapeIdentifier(string name) => IsKeyword(name) ? "@" + name : name;
}
