using System.Collections.Generic;

namespace GrpcServer.Generators.Parsing;

/// <summary>A name a file declares: its full name, what it is (<c>a message</c>), and where.</summary>
internal readonly record struct Declaration(string FullName, string What, SourceSpan Span);

/// <summary>
/// Every name one file declares, in the order protoc declares them: the package's scopes, then each message (its
/// oneofs, fields, map entry types, nested messages, enums and extensions), the enums (each followed by its values,
/// which are scoped beside it), the extensions and the services with their rpcs. The validator reports a name
/// declared twice (GRPCSRV006); the spec builder keeps the first declaration of each.
/// </summary>
internal static class ProtoDeclarations
{
    public static List<Declaration> Of(ProtoFileNode file)
    {
        var declarations = new List<Declaration>();
        var package = file.Package ?? string.Empty;
        foreach (var scope in Model.CSharpNaming.PackagePrefixes(package))
        {
            declarations.Add(new Declaration(scope, "a package", file.PackageSpan ?? default));
        }

        var prefix = package.Length == 0 ? string.Empty : package + ".";
        foreach (var message in file.Messages)
        {
            Message(declarations, message, prefix);
        }

        foreach (var @enum in file.Enums)
        {
            Enum(declarations, @enum, prefix);
        }

        foreach (var extend in file.Extends)
        {
            Extend(declarations, extend, prefix);
        }

        foreach (var service in file.Services)
        {
            var fullName = prefix + service.Name;
            declarations.Add(new Declaration(fullName, "a service", service.NameSpan));
            foreach (var rpc in service.Rpcs)
            {
                declarations.Add(new Declaration(fullName + "." + rpc.Name, "an rpc", rpc.NameSpan));
            }
        }

        return declarations;
    }

    /// <summary>The first declaration of each name, by full name (what the spec builder keeps).</summary>
    public static HashSet<(string FullName, int Offset)> Firsts(List<Declaration> declarations)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        var firsts = new HashSet<(string, int)>();
        foreach (var declaration in declarations)
        {
            if (names.Add(declaration.FullName))
            {
                firsts.Add((declaration.FullName, declaration.Span.Start.Offset));
            }
        }

        return firsts;
    }

    /// <summary>protoc's <c>MapEntryName</c>: <c>my_labels</c> to <c>MyLabelsEntry</c>.</summary>
    public static string MapEntryName(string fieldName)
    {
        var builder = new System.Text.StringBuilder(fieldName.Length + 5);
        var capitalizeNext = true;
        foreach (var c in fieldName)
        {
            if (c == '_')
            {
                capitalizeNext = true;
            }
            else
            {
                builder.Append(capitalizeNext && c is >= 'a' and <= 'z' ? (char)(c - 'a' + 'A') : c);
                capitalizeNext = false;
            }
        }

        return builder.Append("Entry").ToString();
    }

    private static void Message(List<Declaration> declarations, MessageNode message, string prefix)
    {
        var fullName = prefix + message.Name;
        declarations.Add(new Declaration(fullName, "a message", message.NameSpan));
        var nested = fullName + ".";
        foreach (var oneof in message.Oneofs)
        {
            declarations.Add(new Declaration(nested + oneof.Name, "a oneof", oneof.NameSpan));
        }

        foreach (var field in message.Fields)
        {
            declarations.Add(new Declaration(nested + field.Name, "a field", field.NameSpan));
        }

        // protoc declares a nested entry message for each map field; it takes the name in the message's scope.
        foreach (var field in message.Fields)
        {
            if (field.MapKeyType is not null && field.Name.Length > 0)
            {
                declarations.Add(new Declaration(nested + MapEntryName(field.Name), $"the entry type of map field '{field.Name}'", field.NameSpan));
            }
        }

        foreach (var child in message.Messages)
        {
            // A group named in lower case has its field's name; the validator reports the group name, once.
            if (!message.Fields.Exists(f => f.Group == child && !(child.Name[0] is >= 'A' and <= 'Z')))
            {
                Message(declarations, child, nested);
            }
        }

        foreach (var @enum in message.Enums)
        {
            Enum(declarations, @enum, nested);
        }

        foreach (var extend in message.Extends)
        {
            Extend(declarations, extend, nested);
        }
    }

    private static void Extend(List<Declaration> declarations, ExtendNode extend, string prefix)
    {
        foreach (var field in extend.Fields)
        {
            declarations.Add(new Declaration(prefix + field.Name, "an extension", field.NameSpan));
        }

        foreach (var group in extend.Groups)
        {
            Message(declarations, group, prefix);
        }
    }

    private static void Enum(List<Declaration> declarations, EnumNode @enum, string prefix)
    {
        declarations.Add(new Declaration(prefix + @enum.Name, "an enum", @enum.NameSpan));

        // Enum values are scoped beside their enum (C++ style), not inside it.
        foreach (var value in @enum.Values)
        {
            declarations.Add(new Declaration(prefix + value.Name, "an enum value", value.NameSpan));
        }
    }
}
