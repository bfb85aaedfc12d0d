using System.Collections.Generic;

namespace GrpcServer.Generators.Parsing;

internal sealed partial class ProtoParser
{
    internal const long MaxFieldNumber = 536_870_911;

    private const string ExpectedDeclaration = "a declaration (syntax, edition, package, import, option, message, enum, service or extend)";

    // ---- file ----

    private ProtoFileNode ParseFile()
    {
        var file = new ProtoFileNode();
        var first = true;
        while (!AtEnd)
        {
            var start = _index;
            if (!ParseTopLevelStatement(file, first))
            {
                SkipStatement();
            }

            first = false;
            if (_index == start)
            {
                // Only a stray '}' stops every statement without being consumed.
                AddError("unexpected '}' at the top level of the file (no block to close)", Current.Span);
                Next();
            }
        }

        return file;
    }

    private bool ParseTopLevelStatement(ProtoFileNode file, bool first)
    {
        var token = Current;
        if (token.IsSymbol(';'))
        {
            Next();
            return true;
        }

        if (token.Kind != TokenKind.Identifier)
        {
            return token.IsSymbol('}') || Fail(ExpectedDeclaration);
        }

        switch (token.Text)
        {
            case "syntax":
            case "edition":
                return ParseSyntaxOrEdition(file, first);
            case "package":
                return ParsePackage(file);
            case "import":
                return ParseImport(file);
            case "option":
                return ParseOptionStatement(file.Options);
            case "message":
                return Add(file.Messages, ParseMessage());
            case "enum":
                return Add(file.Enums, ParseEnum());
            case "service":
                return Add(file.Services, ParseService());
            case "extend":
                return Add(file.Extends, ParseExtend());
            case "export":
            case "local":
                if (TryParseVisibleDeclaration(file.Messages, file.Enums, out var parsed))
                {
                    return parsed;
                }

                if (_visibilityKeywords || (PeekToken(1).Kind == TokenKind.Identifier && PeekToken(2).Kind == TokenKind.Identifier))
                {
                    return MisplacedVisibility();
                }

                return Fail(ExpectedDeclaration);
            default:
                return Fail(ExpectedDeclaration);
        }
    }

    /// <summary>Adds a parsed node; <c>false</c> (the statement failed) when there is none.</summary>
    private static bool Add<T>(List<T> list, T? node)
        where T : class
    {
        if (node is null)
        {
            return false;
        }

        list.Add(node);
        return true;
    }

    /// <summary>Reports <c>export</c> or <c>local</c> before something that is not a message or an enum.</summary>
    private bool MisplacedVisibility()
    {
        var next = PeekToken(1);
        AddError(
            $"the visibility modifier '{Current.Text}' applies only to 'message' and 'enum'" + (next.Kind == TokenKind.Identifier ? $", not to '{next.Text}'" : $", found {next.Describe()} after it"),
            Current.Span);
        return false;
    }

    /// <summary>
    /// Reads <c>export message ...</c>, <c>local enum ...</c> (edition 2024) when the current
    /// token starts one (then <paramref name="parsed"/> says whether it parsed); <c>export</c> and <c>local</c> are names everywhere else.
    /// </summary>
    private bool TryParseVisibleDeclaration(List<MessageNode> messages, List<EnumNode> enums, out bool parsed)
    {
        parsed = false;
        var modifier = Current;
        var keyword = PeekToken(1);
        if (!(modifier.IsIdentifier("export") || modifier.IsIdentifier("local")) ||
            !(keyword.IsIdentifier("message") || keyword.IsIdentifier("enum")) ||
            PeekToken(2).Kind != TokenKind.Identifier)
        {
            return false;
        }

        Next();
        var visibility = modifier.Text == "export" ? VisibilityModifier.Export : VisibilityModifier.Local;
        if (keyword.IsIdentifier("message"))
        {
            var message = ParseMessage();
            if (message is not null)
            {
                message.Visibility = visibility;
                message.VisibilitySpan = modifier.Span;
                message.Comment ??= modifier.LeadingComment;
                messages.Add(message);
                parsed = true;
            }
        }
        else
        {
            var @enum = ParseEnum();
            if (@enum is not null)
            {
                @enum.Visibility = visibility;
                @enum.VisibilitySpan = modifier.Span;
                @enum.Comment ??= modifier.LeadingComment;
                enums.Add(@enum);
                parsed = true;
            }
        }

        return true;
    }

    private bool ParseSyntaxOrEdition(ProtoFileNode file, bool first)
    {
        var keyword = Next();
        if (!first || file.Syntax is not null || file.Edition is not null)
        {
            AddError($"the '{keyword.Text}' statement must be the first statement of the file", keyword.Span);
        }

        if (!Expect('=', $"after '{keyword.Text}'"))
        {
            return false;
        }

        if (Current.Kind != TokenKind.String)
        {
            return Fail(keyword.Text == "syntax" ? "\"proto2\" or \"proto3\" after 'syntax ='" : "an edition string such as \"2023\" after 'edition ='");
        }

        var value = ParseStrings(out var span);
        if (keyword.Text == "syntax")
        {
            if (value is "proto2" or "proto3")
            {
                file.Syntax = value;
            }
            else if (value.StartsWith("editions", System.StringComparison.Ordinal))
            {
                AddError($"unsupported syntax \"{value}\"; an editions file starts with 'edition = \"2023\";'", span);
            }
            else
            {
                AddError($"unknown syntax \"{value}\"; expected \"proto2\" or \"proto3\"", span);
            }
        }
        else if (value is "2023" or "2024")
        {
            file.Edition = value;
            _visibilityKeywords = ProtoValidator.SupportsVisibility(file);
        }
        else
        {
            AddError($"unsupported edition \"{value}\"; expected \"2023\" or \"2024\"", span);
        }

        return ExpectSemicolon($"after the {keyword.Text} statement");
    }

    private bool ParsePackage(ProtoFileNode file)
    {
        var keyword = Next();
        if (!ParseFullIdentifier("a package name after 'package'", out var name, out var span))
        {
            return false;
        }

        file.Packages.Add(new PackageNode(name, span, keyword.Span.Union(span)));
        return ExpectSemicolon($"after package '{name}'");
    }

    private bool ParseImport(ProtoFileNode file)
    {
        Next();
        var kind = ImportKind.Plain;
        if (Current.Kind == TokenKind.Identifier)
        {
            switch (Current.Text)
            {
                case "public":
                    kind = ImportKind.Public;
                    break;
                case "weak":
                    kind = ImportKind.Weak;
                    break;
                case "option":
                    kind = ImportKind.Option;
                    break;
                default:
                    return Fail("a file name string, 'public' or 'weak' after 'import'");
            }

            Next();
        }

        if (Current.Kind != TokenKind.String)
        {
            return Fail("the imported file name as a string, e.g. \"other.proto\"");
        }

        var path = ParseStrings(out var span);
        file.Imports.Add(new ImportNode(path, kind, span));
        return ExpectSemicolon($"after import \"{path}\"");
    }

    // ---- messages ----

    private MessageNode? ParseMessage()
    {
        var keyword = Next();
        if (!ExpectIdentifier("a message name after 'message'", out var name))
        {
            return null;
        }

        var message = new MessageNode(name.Text, name.Span) { Comment = keyword.LeadingComment };
        return Expect('{', $"after message name '{name.Text}'") && ParseMessageBody(message, $"message '{name.Text}'") ? message : null;
    }

    private bool ParseMessageBody(MessageNode message, string what) =>
        ParseNestedBlock(what, () => ParseMessageStatement(message));

    private bool ParseMessageStatement(MessageNode message)
    {
        var token = Current;
        if (TryConsume(';'))
        {
            return true;
        }

        if (token.Kind == TokenKind.Identifier)
        {
            switch (token.Text)
            {
                case "message":
                    return Add(message.Messages, ParseMessage());
                case "enum":
                    return Add(message.Enums, ParseEnum());
                case "option":
                    return ParseOptionStatement(message.Options);
                case "oneof":
                    return ParseOneof(message);
                case "extend":
                    return Add(message.Extends, ParseExtend());
                case "extensions":
                    Next();
                    return ParseRanges(message.ExtensionRanges, "extensions", MaxFieldNumber) &&
                        ParseBracketOptions(message.ExtensionRangeOptions) &&
                        ExpectSemicolon("after the extension ranges");
                case "reserved":
                    Next();
                    return ParseReserved(message.ReservedRanges, message.ReservedNames, MaxFieldNumber);
                case "export":
                case "local":
                    if (TryParseVisibleDeclaration(message.Messages, message.Enums, out var parsed))
                    {
                        return parsed;
                    }

                    if (_visibilityKeywords)
                    {
                        // From edition 2024 these are keywords here: a field of a type named 'local' needs a qualified name.
                        return MisplacedVisibility();
                    }

                    break;
            }
        }

        return Add(message.Fields, ParseField(message.Messages, inOneof: false));
    }

    private bool ParseOneof(MessageNode message)
    {
        Next();
        if (!ExpectIdentifier("a oneof name after 'oneof'", out var name))
        {
            return false;
        }

        var oneof = new OneofNode(name.Text, name.Span);
        message.Oneofs.Add(oneof);
        return Expect('{', $"after oneof name '{name.Text}'") &&
            ParseNestedBlock($"oneof '{name.Text}'", () =>
            {
                // As in protoc, an empty statement (';') is allowed in a message, an enum and a service, not here.
                if (Current.IsIdentifier("option"))
                {
                    return ParseOptionStatement(oneof.Options);
                }

                var field = ParseField(message.Messages, inOneof: true);
                if (field is null)
                {
                    return false;
                }

                oneof.Fields.Add(field);
                message.Fields.Add(field);
                return true;
            });
    }

    /// <summary>
    /// Reads a field: <c>[label] type name = number [options];</c>, a map field
    /// <c>map&lt;K, V&gt; name = number;</c> or a group <c>[label] group Name = number { ... }</c>
    /// (whose message is added to <paramref name="nestedMessages"/>).
    /// </summary>
    private FieldNode? ParseField(List<MessageNode> nestedMessages, bool inOneof)
    {
        var first = Current;
        var field = new FieldNode { Comment = first.LeadingComment, InOneof = inOneof };
        if (Current.Kind == TokenKind.Identifier && (PeekToken(1).Kind == TokenKind.Identifier || PeekToken(1).IsSymbol('.')))
        {
            var label = Current.Text switch
            {
                "optional" => FieldLabel.Optional,
                "required" => FieldLabel.Required,
                "repeated" => FieldLabel.Repeated,
                _ => FieldLabel.None,
            };
            if (label != FieldLabel.None)
            {
                field.Label = label;
                field.LabelSpan = Current.Span;
                Next();
            }
        }

        if (Current.IsIdentifier("map") && PeekToken(1).IsSymbol('<'))
        {
            var mapToken = Next();
            Next();
            if (!ParseTypeName("a map key type after 'map<'", out var keyType, out _) ||
                !Expect(',', "between the key and value types of the map") ||
                !ParseTypeName("a map value type", out var valueType, out _) ||
                !Expect('>', "to close the map type", out var close))
            {
                return null;
            }

            field.MapKeyType = keyType;
            field.MapValueType = valueType;
            field.TypeName = $"map<{keyType}, {valueType}>";
            field.TypeSpan = mapToken.Span.Union(close.Span);
        }
        else if (Current.IsIdentifier("group") && PeekToken(1).Kind == TokenKind.Identifier && PeekToken(2).IsSymbol('='))
        {
            return ParseGroup(field, nestedMessages) ? field : null;
        }
        else
        {
            if (!ParseTypeName("a field type (e.g. 'string', 'int32' or a message name) or a declaration", out var typeName, out var typeSpan))
            {
                return null;
            }

            field.TypeName = typeName;
            field.TypeSpan = typeSpan;
        }

        if (!ExpectIdentifier($"a field name after type '{field.TypeName}'", out var name))
        {
            return null;
        }

        field.Name = name.Text;
        field.NameSpan = name.Span;
        return Expect('=', $"after field name '{name.Text}'") &&
            ParseFieldNumber(field, $"field '{name.Text}'") &&
            ParseBracketOptions(field.Options) &&
            ExpectSemicolon($"after field '{name.Text}'")
            ? field
            : null;
    }

    private bool ParseGroup(FieldNode field, List<MessageNode> nestedMessages)
    {
        var keyword = Next();
        var name = Next();
        Next();
        field.TypeName = name.Text;
        field.TypeSpan = name.Span;
        field.Name = name.Text.ToLowerInvariant();
        field.NameSpan = name.Span;
        if (!ParseFieldNumber(field, $"group '{name.Text}'") || !ParseBracketOptions(field.Options))
        {
            return false;
        }

        var group = new MessageNode(name.Text, name.Span) { Comment = keyword.LeadingComment };
        if (!Expect('{', $"to open the body of group '{name.Text}'"))
        {
            return false;
        }

        nestedMessages.Add(group);
        field.Group = group;
        return ParseMessageBody(group, $"group '{name.Text}'");
    }

    private bool ParseFieldNumber(FieldNode field, string what)
    {
        if (!ParseInteger($"a field number for {what}", out var number))
        {
            return false;
        }

        field.NumberLiteral = number;
        field.Number = number.Clamp(long.MinValue, long.MaxValue);
        field.NumberSpan = number.Span;
        return true;
    }

    /// <summary>Reads <c>a, b to c, d to max</c>; <c>max</c> stands for <paramref name="max"/>.</summary>
    private bool ParseRanges(List<NumberRange> ranges, string what, long max)
    {
        do
        {
            if (!ParseInteger($"a number in the {what} ranges", out var from))
            {
                return false;
            }

            var span = from.Span;
            var fromValue = from.Clamp(-max - 1, max);
            var to = fromValue;
            IntegerLiteral? toLiteral = null;
            if (TryConsumeIdentifier("to"))
            {
                if (TryConsumeIdentifier("max"))
                {
                    to = max;
                    span = span.Union(Previous.Span);
                }
                else
                {
                    if (!ParseInteger($"a number or 'max' after 'to' in the {what} ranges", out var toNumber))
                    {
                        return false;
                    }

                    toLiteral = toNumber;
                    to = toNumber.Clamp(-max - 1, max);
                    span = span.Union(toNumber.Span);
                }
            }

            ranges.Add(new NumberRange(fromValue, to, span, from, toLiteral));
        }
        while (TryConsume(','));
        return true;
    }

    /// <summary>Reads the rest of <c>reserved 1, 2 to 5;</c> or <c>reserved "a", "b";</c> (or, in editions, <c>reserved a, b;</c>).</summary>
    private bool ParseReserved(List<NumberRange> ranges, List<string> names, long max)
    {
        if (Current.Kind == TokenKind.String || Current.Kind == TokenKind.Identifier)
        {
            do
            {
                if (Current.Kind == TokenKind.String)
                {
                    names.Add(ParseStrings(out _));
                }
                else if (ExpectIdentifier("a reserved name", out var name))
                {
                    names.Add(name.Text);
                }
                else
                {
                    return false;
                }
            }
            while (TryConsume(','));
        }
        else if (!ParseRanges(ranges, "reserved", max))
        {
            return false;
        }

        return ExpectSemicolon("after the reserved list");
    }

    // ---- enums ----

    private EnumNode? ParseEnum()
    {
        var keyword = Next();
        if (!ExpectIdentifier("an enum name after 'enum'", out var name))
        {
            return null;
        }

        var node = new EnumNode(name.Text, name.Span) { Comment = keyword.LeadingComment };
        return Expect('{', $"after enum name '{name.Text}'") &&
            ParseNestedBlock($"enum '{name.Text}'", () => ParseEnumStatement(node))
            ? node
            : null;
    }

    private bool ParseEnumStatement(EnumNode node)
    {
        if (TryConsume(';'))
        {
            return true;
        }

        if (Current.IsIdentifier("option") && !PeekToken(1).IsSymbol('='))
        {
            return ParseOptionStatement(node.Options);
        }

        if (Current.IsIdentifier("reserved") && !PeekToken(1).IsSymbol('='))
        {
            Next();
            return ParseReserved(node.ReservedRanges, node.ReservedNames, int.MaxValue);
        }

        if (!ExpectIdentifier($"an enum value name or '}}' in enum '{node.Name}'", out var name) ||
            !Expect('=', $"after enum value '{name.Text}'") ||
            !ParseInteger($"a number for enum value '{name.Text}'", out var number))
        {
            return false;
        }

        var value = new EnumValueNode(name.Text, name.Span, number);
        if (!ParseBracketOptions(value.Options))
        {
            return false;
        }

        node.Values.Add(value);
        return ExpectSemicolon($"after enum value '{name.Text}'");
    }

    // ---- extend ----

    private ExtendNode? ParseExtend()
    {
        Next();
        if (!ParseTypeName("the name of the message to extend after 'extend'", out var extendee, out var span))
        {
            return null;
        }

        // As in protoc, an empty statement (';') is allowed in a message, an enum and a service, not in an extend block.
        var node = new ExtendNode(extendee, span);
        return Expect('{', $"after 'extend {extendee}'") &&
            ParseNestedBlock($"'extend {extendee}'", () => Add(node.Fields, ParseField(node.Groups, inOneof: false)))
            ? node
            : null;
    }

    // ---- services ----

    private ServiceNode? ParseService()
    {
        var keyword = Next();
        if (!ExpectIdentifier("a service name after 'service'", out var name))
        {
            return null;
        }

        var service = new ServiceNode(name.Text, name.Span) { Comment = keyword.LeadingComment };
        return Expect('{', $"after service name '{name.Text}'") &&
            ParseNestedBlock($"service '{name.Text}'", () => ParseServiceStatement(service))
            ? service
            : null;
    }

    private bool ParseServiceStatement(ServiceNode service)
    {
        if (TryConsume(';'))
        {
            return true;
        }

        if (Current.IsIdentifier("option"))
        {
            return ParseOptionStatement(service.Options);
        }

        if (!Current.IsIdentifier("rpc"))
        {
            return Fail($"'rpc', 'option' or '}}' in service '{service.Name}'");
        }

        var keyword = Next();
        if (!ExpectIdentifier("an rpc name after 'rpc'", out var name) ||
            !Expect('(', $"after rpc name '{name.Text}'") ||
            !ParseRpcType($"the request message type of rpc '{name.Text}'", out var request) ||
            !Expect(')', $"after the request type of rpc '{name.Text}'") ||
            !ExpectKeyword("returns", $"after the request type of rpc '{name.Text}'") ||
            !Expect('(', $"after 'returns' in rpc '{name.Text}'") ||
            !ParseRpcType($"the response message type of rpc '{name.Text}'", out var response) ||
            !Expect(')', $"after the response type of rpc '{name.Text}'"))
        {
            return false;
        }

        var rpc = new RpcNode(name.Text, name.Span, request!, response!) { Comment = keyword.LeadingComment };
        service.Rpcs.Add(rpc);
        if (!TryConsume('{'))
        {
            return ExpectSemicolon($"or '{{' after rpc '{name.Text}'");
        }

        return ParseNestedBlock($"the options of rpc '{name.Text}'", () =>
            TryConsume(';') ||
            (Current.IsIdentifier("option") ? ParseOptionStatement(rpc.Options) : Fail($"'option' or '}}' in the body of rpc '{name.Text}'")));
    }

    private bool ParseRpcType(string expected, out RpcTypeNode? type)
    {
        var streaming = false;
        type = null;

        // As in protoc, 'stream' first in the parentheses is always the keyword: '(stream)' lacks
        // a type, and 'stream.Foo' streams '.Foo'. A message named 'stream' is written qualified.
        if (Current.IsIdentifier("stream"))
        {
            streaming = true;
            Next();
        }

        if (!ParseTypeName(streaming ? expected + " after 'stream'" : expected, out var name, out var span))
        {
            return false;
        }

        type = new RpcTypeNode(name, span, streaming);
        return true;
    }
}
