using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// Custom options, <c>option (my.option) = value;</c>: the name must resolve, among the files the option's file
/// imports (or imports for its options), to an extension of the options message of the element it is written on,
/// and the value must be of the extension's type (GRPCSRV009). protoc checks the same while interpreting options.
/// </summary>
internal sealed class OptionChecker
{
    private readonly ResolutionContext _context;

    public OptionChecker(ResolutionContext context) => _context = context;

    public void Check(ProtoFileSpec file)
    {
        if (file.CustomOptions.IsEmpty)
        {
            return;
        }

        var visible = _context.Imports.VisibleForOptions(file);
        var set = new System.Collections.Generic.HashSet<(string Scope, string OptionsMessage, string Name)>();
        foreach (var option in file.CustomOptions)
        {
            var symbol = SymbolTable.Lookup(option.Extension, option.Scope, name => _context.Symbols.Find(name, visible), typesOnly: false, out _);
            if (symbol is null)
            {
                var declared = SymbolTable.Lookup(option.Extension, option.Scope, _context.Symbols.FindAnywhere, typesOnly: false, out _);
                Report(file, option, declared?.Kind == SymbolKind.Extension
                    ? $"option '{option.Name}' is declared in '{declared.File.ImportPath}', which '{file.ImportPath}' does not import (add: import \"{declared.File.ImportPath}\";)"
                    : $"option '{option.Name}' is unknown: no extension '{option.Extension}' is declared in this file or the files it imports");
                continue;
            }

            if (symbol.Extension is not { } extension)
            {
                Report(file, option, $"option '{option.Name}': '{symbol.FullName}' is {Symbol.WithArticle(symbol.Kind)}, not an extension");
                continue;
            }

            var extendee = SymbolTable.Lookup(extension.Extendee, extension.Scope, _context.Symbols.FindAnywhere, typesOnly: false, out _);
            if (extendee is null || extendee.FullName != option.OptionsMessage)
            {
                Report(file, option, $"option '{option.Name}': extension '{extension.FullName}' extends '{extendee?.FullName ?? extension.Extendee}', so it is not an option of this element ({option.OptionsMessage})");
                continue;
            }

            if (!(option.IsLast && extension.Repeated) && !set.Add((option.Scope, option.OptionsMessage, option.Name)))
            {
                Report(file, option, $"option '{option.Name}' is already set on this element; set it once (only a repeated option may be set again)");
                continue;
            }

            if (option.IsLast)
            {
                Value(file, option, extension, symbol.File);
            }
        }
    }

    /// <summary>The value of an option that sets an extension itself (not a field of it), against the extension's type.</summary>
    private void Value(ProtoFileSpec file, CustomOptionSpec option, ExtensionSpec extension, ProtoFileSpec declaringFile)
    {
        string? expected = extension.TypeName switch
        {
            "string" or "bytes" => option.Kind == OptionValueKind.String ? null : "a quoted string",
            "bool" => option.Kind == OptionValueKind.Identifier && option.Value is "true" or "false" ? null : "true or false",
            "float" or "double" => option.Kind is OptionValueKind.Integer or OptionValueKind.Float ||
                (option.Kind == OptionValueKind.Identifier && option.Value is "inf" or "nan" or "infinity") ? null : "a number",
            "int32" or "int64" or "uint32" or "uint64" or "sint32" or "sint64" or "fixed32" or "fixed64" or "sfixed32" or "sfixed64" =>
                option.Kind == OptionValueKind.Integer && (extension.TypeName[0] != 'u' && !extension.TypeName.StartsWith("fixed", System.StringComparison.Ordinal) || !option.Value.StartsWith("-", System.StringComparison.Ordinal)) ? null : "an integer",
            _ => NamedType(option, extension, declaringFile),
        };
        if (expected is not null)
        {
            Report(file, option, $"the value of option '{option.Name}' must be {expected}, not {Describe(option)} (the extension is of type {extension.TypeName})");
        }
    }

    /// <summary>For an extension of a message or enum type: a message takes <c>{ ... }</c>, an enum one of its value names.</summary>
    private string? NamedType(CustomOptionSpec option, ExtensionSpec extension, ProtoFileSpec declaringFile)
    {
        var type = _context.Lookup(declaringFile, extension.TypeName, extension.Scope, typesOnly: true)?.Type;
        if (type is null)
        {
            return null;
        }

        if (type.Kind == ProtoTypeKind.Message)
        {
            return option.Kind == OptionValueKind.Aggregate ? null : $"a message value {{ ... }} of '{type.FullName}'";
        }

        if (option.Kind != OptionValueKind.Identifier)
        {
            return $"a value of enum '{type.FullName}'";
        }

        foreach (var value in type.EnumValues)
        {
            if (value == option.Value)
            {
                return null;
            }
        }

        return type.EnumValues.IsEmpty ? null : $"a value of enum '{type.FullName}' ({string.Join(", ", type.EnumValues)})";
    }

    private static string Describe(CustomOptionSpec option) => option.Kind switch
    {
        OptionValueKind.String => "a string",
        OptionValueKind.Aggregate => "a message value",
        OptionValueKind.Integer or OptionValueKind.Float => "the number " + option.Value,
        _ => "'" + option.Value + "'",
    };

    private void Report(ProtoFileSpec file, CustomOptionSpec option, string message) =>
        _context.Report(DiagnosticDescriptors.UnknownOption, file, option.Span, message);
}
