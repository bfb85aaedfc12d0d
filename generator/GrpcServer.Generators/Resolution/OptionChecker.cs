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
    private readonly ProjectResolutionContext _context;

    // The whole project: an option's extension may be declared, and its type looked up, beyond the files this one sees.
    public OptionChecker(ProjectResolutionContext context) => _context = context;

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
                if (declared?.Kind == SymbolKind.Extension)
                {
                    Report(file, option, DiagnosticDescriptors.OptionNotImported, declared.File.ImportPath, file.ImportPath);
                }
                else
                {
                    Report(file, option, DiagnosticDescriptors.UnknownOption, option.Extension);
                }

                continue;
            }

            if (symbol.Extension is not { } extension)
            {
                Report(file, option, DiagnosticDescriptors.OptionNotAnExtension, symbol.FullName, Symbol.WithArticle(symbol.Kind));
                continue;
            }

            var extendee = SymbolTable.Lookup(extension.Extendee, extension.Scope, _context.Symbols.FindAnywhere, typesOnly: false, out _);
            if (extendee is null || extendee.FullName != option.OptionsMessage)
            {
                Report(file, option, DiagnosticDescriptors.OptionOfAnotherElement, extension.FullName, extendee?.FullName ?? extension.Extendee, option.OptionsMessage);
                continue;
            }

            if (!(option.IsLast && extension.Repeated) && !set.Add((option.Scope, option.OptionsMessage, option.Name)))
            {
                Report(file, option, DiagnosticDescriptors.OptionSetTwice);
                continue;
            }

            if (option.IsLast)
            {
                Value(file, option, extension, symbol.File);
            }
            else
            {
                FieldPath(file, option, extension, symbol.File);
            }

            if (option.Kind == OptionValueKind.Aggregate && _problem is null)
            {
                Aggregate(file, option, extension, symbol.File);
            }

            _problem = null;
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
            Problem(file, option, DiagnosticDescriptors.OptionValueOfWrongType, expected, Describe(option), extension.TypeName);
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

    /// <summary>Set when a check of the option has reported, so that its value is not checked again.</summary>
    private string? _problem;

    /// <summary>The message type a name resolves to from a declaring file, with its fields; <c>null</c> when unknown or built in (whose fields are not known).</summary>
    private TypeSpec? MessageType(string typeName, string scope, ProtoFileSpec declaringFile, out ProtoFileSpec? typeFile)
    {
        var symbol = _context.Lookup(declaringFile, typeName, scope, typesOnly: true);
        typeFile = symbol?.File;
        return symbol?.Type is { Kind: ProtoTypeKind.Message } type &&
            !(WellKnownTypes.Files.TryGetValue(symbol.File.ImportPath, out var builtIn) && ReferenceEquals(builtIn, symbol.File))
            ? type
            : null;
    }

    private static MessageFieldSpec? FindField(TypeSpec type, string name)
    {
        foreach (var field in type.Fields)
        {
            if (field.Name == name || field.GroupName == name)
            {
                return field;
            }
        }

        return null;
    }

    /// <summary><c>(ext).a.b = v</c>: each part after the extension must be a field of the message before it.</summary>
    private void FieldPath(ProtoFileSpec file, CustomOptionSpec option, ExtensionSpec extension, ProtoFileSpec declaringFile)
    {
        var parts = Parsing.ProtoValidator.SplitOptionName(option.Name);
        var start = parts.FindIndex(p => p.StartsWith("(", System.StringComparison.Ordinal)) + 1;
        var type = MessageType(extension.TypeName, extension.Scope, declaringFile, out var typeFile);
        for (var i = start; i < parts.Count && type is not null; i++)
        {
            if (parts[i].StartsWith("(", System.StringComparison.Ordinal))
            {
                return;
            }

            var field = FindField(type, parts[i]);
            if (field is null)
            {
                Problem(file, option, DiagnosticDescriptors.OptionPathNoField, type.FullName, parts[i]);
                return;
            }

            type = i + 1 < parts.Count ? MessageType(field.TypeName, type.FullName + "." + field.Name, typeFile!, out typeFile) : null;
        }
    }

    /// <summary>
    /// A message value in text format (<c>{ get: "/v1" limits { rps: 5 } }</c>): every field name must be a field of
    /// its message, and an integer must fit its field. Extensions (<c>[ext]</c>) and maps are not looked into.
    /// </summary>
    private void Aggregate(ProtoFileSpec file, CustomOptionSpec option, ExtensionSpec extension, ProtoFileSpec declaringFile)
    {
        var type = MessageType(extension.TypeName, extension.Scope, declaringFile, out var typeFile);
        var parts = Parsing.ProtoValidator.SplitOptionName(option.Name);
        var start = parts.FindIndex(p => p.StartsWith("(", System.StringComparison.Ordinal)) + 1;
        for (var i = start; i < parts.Count && type is not null; i++)
        {
            var field = parts[i].StartsWith("(", System.StringComparison.Ordinal) ? null : FindField(type, parts[i]);
            type = field is null ? null : MessageType(field.TypeName, type.FullName + "." + field.Name, typeFile!, out typeFile);
        }

        if (type is null)
        {
            return;
        }

        var tokens = Tokenizer.Tokenize(option.Value, new System.Collections.Generic.List<ProtoError>());
        var index = 1;
        TextMessage(file, option, tokens, ref index, type, typeFile!, '}');
    }

    private void TextMessage(ProtoFileSpec file, CustomOptionSpec option, System.Collections.Generic.List<Token> tokens, ref int index, TypeSpec? type, ProtoFileSpec? typeFile, char closer)
    {
        while (index < tokens.Count && tokens[index].Kind != TokenKind.EndOfFile && !tokens[index].IsSymbol(closer))
        {
            MessageFieldSpec? field = null;
            if (tokens[index].IsSymbol('['))
            {
                while (index < tokens.Count && !tokens[index].IsSymbol(']'))
                {
                    index++;
                }

                index++;
                type = null;
            }
            else
            {
                var name = tokens[index++].Text;
                field = type is null ? null : FindField(type, name);
                if (type is not null && field is null)
                {
                    Problem(file, option, DiagnosticDescriptors.OptionValueNoField, name, type.FullName);
                    return;
                }
            }

            if (index < tokens.Count && tokens[index].IsSymbol(':'))
            {
                index++;
            }

            if (index < tokens.Count && tokens[index].IsSymbol('['))
            {
                index++;
                while (index < tokens.Count && tokens[index].Kind != TokenKind.EndOfFile && !tokens[index].IsSymbol(']'))
                {
                    if (!TextValue(file, option, tokens, ref index, type, field, typeFile))
                    {
                        return;
                    }

                    if (index < tokens.Count && tokens[index].IsSymbol(','))
                    {
                        index++;
                    }
                }

                index++;
            }
            else if (!TextValue(file, option, tokens, ref index, type, field, typeFile))
            {
                return;
            }

            if (index < tokens.Count && (tokens[index].IsSymbol(',') || tokens[index].IsSymbol(';')))
            {
                index++;
            }
        }

        index++;
    }

    /// <summary>One value of a text-format field; <c>false</c> once a problem is reported.</summary>
    private bool TextValue(ProtoFileSpec file, CustomOptionSpec option, System.Collections.Generic.List<Token> tokens, ref int index, TypeSpec? owner, MessageFieldSpec? field, ProtoFileSpec? typeFile)
    {
        if (index >= tokens.Count)
        {
            return false;
        }

        if (tokens[index].IsSymbol('{') || tokens[index].IsSymbol('<'))
        {
            var closer = tokens[index].IsSymbol('{') ? '}' : '>';
            index++;
            var nested = field is null || owner is null || typeFile is null || field.TypeName.StartsWith("map<", System.StringComparison.Ordinal)
                ? null
                : MessageType(field.TypeName, owner.FullName + "." + field.Name, typeFile, out typeFile);
            TextMessage(file, option, tokens, ref index, nested, typeFile, closer);
            return _problem is null;
        }

        var negative = tokens[index].IsSymbol('-');
        if (negative || tokens[index].IsSymbol('+'))
        {
            index++;
        }

        if (index >= tokens.Count)
        {
            return false;
        }

        var token = tokens[index++];
        while (token.Kind == TokenKind.String && index < tokens.Count && tokens[index].Kind == TokenKind.String)
        {
            index++;
        }

        if (field is not null && owner is not null && typeFile is not null && token.Kind == TokenKind.Identifier && !Parsing.ProtoParser.IsScalarType(field.TypeName) &&
            _context.Lookup(typeFile, field.TypeName, owner.FullName + "." + field.Name, typesOnly: true)?.Type is { Kind: ProtoTypeKind.Enum } enumType &&
            !enumType.EnumValues.IsEmpty && !enumType.EnumValues.ToImmutableArray().Contains(token.Text))
        {
            Problem(file, option, DiagnosticDescriptors.OptionValueNotInEnum, field.Name, token.Text, enumType.FullName);
            return false;
        }

        if (field is not null && token.Kind == TokenKind.Integer && IntegerRange(field.TypeName) is var (min, max) && max != 0 &&
            (!Parsing.ProtoParser.TryParseInteger(token.Text, out var magnitude) || (negative ? magnitude > (ulong)(-(min + 1)) + 1 || min == 0 : magnitude > max)))
        {
            Problem(file, option, DiagnosticDescriptors.OptionValueOutOfRange, field.Name, field.TypeName, (negative ? "-" : string.Empty) + token.Text);
            return false;
        }

        return true;
    }

    /// <summary>The range of an integer field type, or (0, 0) for any other type.</summary>
    private static (long Min, ulong Max) IntegerRange(string type) => type switch
    {
        "int32" or "sint32" or "sfixed32" => (int.MinValue, int.MaxValue),
        "int64" or "sint64" or "sfixed64" => (long.MinValue, long.MaxValue),
        "uint32" or "fixed32" => (0, uint.MaxValue),
        "uint64" or "fixed64" => (0, ulong.MaxValue),
        _ => (0, 0),
    };

    /// <summary>Reports a problem with the option's value, so that the value is not checked again.</summary>
    private void Problem(ProtoFileSpec file, CustomOptionSpec option, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments)
    {
        _problem = descriptor.Key();
        Report(file, option, descriptor, arguments);
    }

    private static string Describe(CustomOptionSpec option) => option.Kind switch
    {
        OptionValueKind.String => "a string",
        OptionValueKind.Aggregate => "a message value",
        OptionValueKind.Integer or OptionValueKind.Float => "the number " + option.Value,
        _ => "'" + option.Value + "'",
    };

    /// <summary>Reports a GRPCSRV009 message whose first argument is the option's name.</summary>
    private void Report(ProtoFileSpec file, CustomOptionSpec option, Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments)
    {
        var all = new string[arguments.Length + 1];
        all[0] = option.Name;
        arguments.CopyTo(all, 1);
        _context.Report(descriptor, file, option.Span, all);
    }
}
