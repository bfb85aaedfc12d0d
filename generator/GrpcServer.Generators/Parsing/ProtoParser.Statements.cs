using System.Collections.Generic;

namespace GrpcServer.Generators.Parsing;

internal sealed partial class ProtoParser
{
    internal const long MaxFieldNumber = 536_870_911;

    // ---- file ----

    private ProtoFileNode ParseFile()
    {
        var file = new ProtoFileNode();
        var first = true;
        while (!AtEnd)
        {
            var start = _index;
            try
            {
                ParseTopLevelStatement(file, first);
            }
            catch (StatementAbort)
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

    private void ParseTopLevelStatement(ProtoFileNode file, bool first)
    {
        var token = Current;
        if (token.IsSymbol(';'))
        {
            Next();
            return;
        }

        if (token.Kind != TokenKind.Identifier)
        {
            if (token.IsSymbol('}'))
            {
                return;
            }

            throw Fail("a declaration (syntax, edition, package, import, option, message, enum, service or extend)");
        }

        switch (token.Text)
        {
            case "syntax":
            case "edition":
                ParseSyntaxOrEdition(file, first);
                return;
            case "package":
                ParsePackage(file);
                return;
            case "import":
                ParseImport(file);
                return;
            case "option":
                ParseOptionStatement(file.Options);
                return;
            case "message":
                file.Messages.Add(ParseMessage());
                return;
            case "enum":
                file.Enums.Add(ParseEnum());
                return;
            case "service":
                file.Services.Add(ParseService());
                return;
            case "extend":
                file.Extends.Add(ParseExtend());
                return;
            case "export":
            case "local":
                if (TryParseVisibleDeclaration(file.Messages, file.Enums))
                {
                    return;
                }

                if (_visibilityKeywords || (PeekToken(1).Kind == TokenKind.Identifier && PeekToken(2).Kind == TokenKind.Identifier))
                {
                    throw MisplacedVisibility();
                }

                throw Fail("a declaration (syntax, edition, package, import, option, message, enum, service or extend)");
            default:
                throw Fail("a declaration (syntax, edition, package, import, option, message, enum, service or extend)");
        }
    }

    /// <summary>
    /// Reads <c>export message ...</c>, <c>local enum ...</c> (edition 2024) when the current
    /// token starts one; <c>export</c> and <c>local</c> are names everywhere else.
    /// </summary>
    private StatementAbort MisplacedVisibility()
    {
        var next = PeekToken(1);
        AddError(
            $"the visibility modifier '{Current.Text}' applies only to 'message' and 'enum'" + (next.Kind == TokenKind.Identifier ? $", not to '{next.Text}'" : $", found {next.Describe()} after it"),
            Current.Span);
        return new StatementAbort();
    }

    private bool TryParseVisibleDeclaration(List<MessageNode> messages, List<EnumNode> enums)
    {
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
            message.Visibility = visibility;
            message.VisibilitySpan = modifier.Span;
            message.Comment ??= modifier.LeadingComment;
            messages.Add(message);
        }
        else
        {
            var @enum = ParseEnum();
            @enum.Visibility = visibility;
            @enum.VisibilitySpan = modifier.Span;
            @enum.Comment ??= modifier.LeadingComment;
            enums.Add(@enum);
        }

        return true;
    }

    private void ParseSyntaxOrEdition(ProtoFileNode file, bool first)
    {
        var keyword = Next();
        if (!first || file.Syntax is not null || file.Edition is not null)
        {
            AddError($"the '{keyword.Text}' statement must be the first statement of the file", keyword.Span);
        }

        Expect('=', $"after '{keyword.Text}'");
        if (Current.Kind != TokenKind.String)
        {
            throw Fail(keyword.Text == "syntax" ? "\"proto2\" or \"proto3\" after 'syntax ='" : "an edition string such as \"2023\" after 'edition ='");
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

        ExpectSemicolon($"after the {keyword.Text} statement");
    }

    private void ParsePackage(ProtoFileNode file)
    {
        var keyword = Next();
        var name = ParseFullIdentifier("a package name after 'package'", out var span);
        if (file.Package is not null)
        {
            AddSemanticError($"the file already declares package '{file.Package}'; a file has at most one package statement", keyword.Span.Union(span));
        }
        else
        {
            file.Package = name;
            file.PackageSpan = span;
        }

        ExpectSemicolon($"after package '{name}'");
    }

    private void ParseImport(ProtoFileNode file)
    {
        Next();
        var kind = ImportKind.Plain;
        if (Current.Kind == TokenKind.Identifier)
        {
            kind = Current.Text switch
            {
                "public" => ImportKind.Public,
                "weak" => ImportKind.Weak,
                "option" => ImportKind.Option,
                _ => throw Fail("a file name string, 'public' or 'weak' after 'import'"),
            };
            Next();
        }

        if (Current.Kind != TokenKind.String)
        {
            throw Fail("the imported file name as a string, e.g. \"other.proto\"");
        }

        var path = ParseStrings(out var span);
        file.Imports.Add(new ImportNode(path, kind, span));
        ExpectSemicolon($"after import \"{path}\"");
    }

    // ---- messages ----

    private MessageNode ParseMessage()
    {
        var keyword = Next();
        var name = ExpectIdentifier("a message name after 'message'");
        var message = new MessageNode(name.Text, name.Span) { Comment = keyword.LeadingComment };
        Expect('{', $"after message name '{name.Text}'");
        ParseMessageBody(message, $"message '{name.Text}'");
        return message;
    }

    private void ParseMessageBody(MessageNode message, string what)
    {
        EnterNesting();
        try
        {
            ParseBlock(what, () => ParseMessageStatement(message));
        }
        finally
        {
            ExitNesting();
        }
    }

    private void ParseMessageStatement(MessageNode message)
    {
        var token = Current;
        if (TryConsume(';'))
        {
            return;
        }

        if (token.Kind == TokenKind.Identifier)
        {
            switch (token.Text)
            {
                case "message":
                    message.Messages.Add(ParseMessage());
                    return;
                case "enum":
                    message.Enums.Add(ParseEnum());
                    return;
                case "option":
                    ParseOptionStatement(message.Options);
                    return;
                case "oneof":
                    ParseOneof(message);
                    return;
                case "extend":
                    message.Extends.Add(ParseExtend());
                    return;
                case "extensions":
                    Next();
                    ParseRanges(message.ExtensionRanges, "extensions", MaxFieldNumber);
                    ParseBracketOptions(message.Options);
                    ExpectSemicolon("after the extension ranges");
                    return;
                case "reserved":
                    Next();
                    ParseReserved(message.ReservedRanges, message.ReservedNames, MaxFieldNumber);
                    return;
                case "export":
                case "local":
                    if (TryParseVisibleDeclaration(message.Messages, message.Enums))
                    {
                        return;
                    }

                    if (_visibilityKeywords)
                    {
                        // From edition 2024 these are keywords here: a field of a type named 'local' needs a qualified name.
                        throw MisplacedVisibility();
                    }

                    break;
            }
        }

        message.Fields.Add(ParseField(message.Messages, inOneof: false));
    }

    private void ParseOneof(MessageNode message)
    {
        Next();
        var name = ExpectIdentifier("a oneof name after 'oneof'");
        var oneof = new OneofNode(name.Text, name.Span);
        message.Oneofs.Add(oneof);
        Expect('{', $"after oneof name '{name.Text}'");
        EnterNesting();
        try
        {
            ParseBlock($"oneof '{name.Text}'", () =>
            {
                if (TryConsume(';'))
                {
                    return;
                }

                if (Current.IsIdentifier("option"))
                {
                    ParseOptionStatement(oneof.Options);
                    return;
                }

                var field = ParseField(message.Messages, inOneof: true);
                oneof.Fields.Add(field);
                message.Fields.Add(field);
            });
        }
        finally
        {
            ExitNesting();
        }
    }

    /// <summary>
    /// Reads a field: <c>[label] type name = number [options];</c>, a map field
    /// <c>map&lt;K, V&gt; name = number;</c> or a group <c>[label] group Name = number { ... }</c>
    /// (whose message is added to <paramref name="nestedMessages"/>).
    /// </summary>
    private FieldNode ParseField(List<MessageNode> nestedMessages, bool inOneof)
    {
        var first = Current;
        var field = new FieldNode { Comment = first.LeadingComment };
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
                if (inOneof)
                {
                    AddSemanticError($"fields in a oneof take no label; remove '{Current.Text}'", Current.Span);
                }

                field.Label = label;
                field.LabelSpan = Current.Span;
                Next();
            }
        }

        if (Current.IsIdentifier("map") && PeekToken(1).IsSymbol('<'))
        {
            var mapToken = Next();
            Next();
            field.MapKeyType = ParseTypeName("a map key type after 'map<'", out _);
            Expect(',', "between the key and value types of the map");
            field.MapValueType = ParseTypeName("a map value type", out _);
            var close = Expect('>', "to close the map type");
            field.TypeName = $"map<{field.MapKeyType}, {field.MapValueType}>";
            field.TypeSpan = mapToken.Span.Union(close.Span);
            if (field.Label != FieldLabel.None)
            {
                AddSemanticError("map fields take no label (they are always repeated)", first.Span);
            }
        }
        else if (Current.IsIdentifier("group") && PeekToken(1).Kind == TokenKind.Identifier && PeekToken(2).IsSymbol('='))
        {
            ParseGroup(field, nestedMessages);
            return field;
        }
        else
        {
            field.TypeName = ParseTypeName("a field type (e.g. 'string', 'int32' or a message name) or a declaration", out var typeSpan);
            field.TypeSpan = typeSpan;
        }

        var name = ExpectIdentifier($"a field name after type '{field.TypeName}'");
        field.Name = name.Text;
        field.NameSpan = name.Span;
        Expect('=', $"after field name '{name.Text}'");
        var numberStart = Current.Span;
        field.Number = ParseFieldNumber($"field '{name.Text}'");
        field.NumberSpan = numberStart.Union(Previous.Span);
        ParseBracketOptions(field.Options);
        ExpectSemicolon($"after field '{name.Text}'");
        return field;
    }

    private void ParseGroup(FieldNode field, List<MessageNode> nestedMessages)
    {
        var keyword = Next();
        var name = Next();
        if (!(name.Text[0] is >= 'A' and <= 'Z'))
        {
            AddSemanticError($"group name '{name.Text}' must start with a capital letter", name.Span);
        }

        Next();
        field.TypeName = name.Text;
        field.TypeSpan = name.Span;
        field.Name = name.Text.ToLowerInvariant();
        field.NameSpan = name.Span;
        var numberStart = Current.Span;
        field.Number = ParseFieldNumber($"group '{name.Text}'");
        field.NumberSpan = numberStart.Union(Previous.Span);
        ParseBracketOptions(field.Options);
        var group = new MessageNode(name.Text, name.Span) { Comment = keyword.LeadingComment };
        Expect('{', $"to open the body of group '{name.Text}'");
        nestedMessages.Add(group);
        field.Group = group;
        ParseMessageBody(group, $"group '{name.Text}'");
    }

    private long ParseFieldNumber(string what)
    {
        var number = ParseSignedInteger($"a field number for {what}", long.MinValue, long.MaxValue, out var span);
        if (number < 1 || number > MaxFieldNumber)
        {
            AddSemanticError($"the number of {what} must be between 1 and {Invariant(MaxFieldNumber)}, not {Invariant(number)}", span);
        }
        else if (number is >= 19_000 and <= 19_999)
        {
            AddSemanticError($"the number of {what} is {Invariant(number)}; numbers 19000 to 19999 are reserved for the protobuf implementation", span);
        }

        return number;
    }

    /// <summary>Reads <c>a, b to c, d to max</c>.</summary>
    private void ParseRanges(List<NumberRange> ranges, string what, long max)
    {
        do
        {
            var from = ParseSignedInteger($"a number in the {what} ranges", -max - 1, max, out var span);
            var to = from;
            if (TryConsumeIdentifier("to"))
            {
                if (TryConsumeIdentifier("max"))
                {
                    to = max;
                    span = span.Union(Previous.Span);
                }
                else
                {
                    to = ParseSignedInteger($"a number or 'max' after 'to' in the {what} ranges", -max - 1, max, out var toSpan);
                    span = span.Union(toSpan);
                }
            }

            if (to < from)
            {
                AddSemanticError($"the {what} range {Invariant(from)} to {Invariant(to)} is empty: the end is less than the start", span);
            }

            ranges.Add(new NumberRange(from, to, span));
        }
        while (TryConsume(','));
    }

    /// <summary>Reads the rest of <c>reserved 1, 2 to 5;</c> or <c>reserved "a", "b";</c> (or, in editions, <c>reserved a, b;</c>).</summary>
    private void ParseReserved(List<NumberRange> ranges, List<string> names, long max)
    {
        if (Current.Kind == TokenKind.String || Current.Kind == TokenKind.Identifier)
        {
            do
            {
                if (Current.Kind == TokenKind.String)
                {
                    names.Add(ParseStrings(out _));
                }
                else
                {
                    names.Add(ExpectIdentifier("a reserved name").Text);
                }
            }
            while (TryConsume(','));
        }
        else
        {
            ParseRanges(ranges, "reserved", max);
        }

        ExpectSemicolon("after the reserved list");
    }

    // ---- enums ----

    private EnumNode ParseEnum()
    {
        var keyword = Next();
        var name = ExpectIdentifier("an enum name after 'enum'");
        var node = new EnumNode(name.Text, name.Span) { Comment = keyword.LeadingComment };
        Expect('{', $"after enum name '{name.Text}'");
        EnterNesting();
        try
        {
            ParseBlock($"enum '{name.Text}'", () => ParseEnumStatement(node));
        }
        finally
        {
            ExitNesting();
        }

        return node;
    }

    private void ParseEnumStatement(EnumNode node)
    {
        if (TryConsume(';'))
        {
            return;
        }

        if (Current.IsIdentifier("option") && !PeekToken(1).IsSymbol('='))
        {
            ParseOptionStatement(node.Options);
            return;
        }

        if (Current.IsIdentifier("reserved") && !PeekToken(1).IsSymbol('='))
        {
            Next();
            ParseReserved(node.ReservedRanges, node.ReservedNames, int.MaxValue);
            return;
        }

        var name = ExpectIdentifier($"an enum value name or '}}' in enum '{node.Name}'");
        Expect('=', $"after enum value '{name.Text}'");
        var number = ParseSignedInteger($"a number for enum value '{name.Text}'", int.MinValue, int.MaxValue, out var numberSpan);
        var value = new EnumValueNode(name.Text, name.Span, number) { NumberSpan = numberSpan };
        ParseBracketOptions(value.Options);
        node.Values.Add(value);
        ExpectSemicolon($"after enum value '{name.Text}'");
    }

    // ---- extend ----

    private ExtendNode ParseExtend()
    {
        Next();
        var extendee = ParseTypeName("the name of the message to extend after 'extend'", out var span);
        var node = new ExtendNode(extendee, span);
        Expect('{', $"after 'extend {extendee}'");
        EnterNesting();
        try
        {
            ParseBlock($"'extend {extendee}'", () =>
            {
                if (!TryConsume(';'))
                {
                    node.Fields.Add(ParseField(node.Groups, inOneof: false));
                }
            });
        }
        finally
        {
            ExitNesting();
        }

        return node;
    }

    // ---- services ----

    private ServiceNode ParseService()
    {
        var keyword = Next();
        var name = ExpectIdentifier("a service name after 'service'");
        var service = new ServiceNode(name.Text, name.Span) { Comment = keyword.LeadingComment };
        Expect('{', $"after service name '{name.Text}'");
        EnterNesting();
        try
        {
            ParseBlock($"service '{name.Text}'", () => ParseServiceStatement(service));
        }
        finally
        {
            ExitNesting();
        }

        return service;
    }

    private void ParseServiceStatement(ServiceNode service)
    {
        if (TryConsume(';'))
        {
            return;
        }

        if (Current.IsIdentifier("option"))
        {
            ParseOptionStatement(service.Options);
            return;
        }

        if (!Current.IsIdentifier("rpc"))
        {
            throw Fail($"'rpc', 'option' or '}}' in service '{service.Name}'");
        }

        var keyword = Next();
        var name = ExpectIdentifier("an rpc name after 'rpc'");
        Expect('(', $"after rpc name '{name.Text}'");
        var request = ParseRpcType($"the request message type of rpc '{name.Text}'");
        Expect(')', $"after the request type of rpc '{name.Text}'");
        ExpectKeyword("returns", $"after the request type of rpc '{name.Text}'");
        Expect('(', $"after 'returns' in rpc '{name.Text}'");
        var response = ParseRpcType($"the response message type of rpc '{name.Text}'");
        Expect(')', $"after the response type of rpc '{name.Text}'");
        var rpc = new RpcNode(name.Text, name.Span, request, response) { Comment = keyword.LeadingComment };
        service.Rpcs.Add(rpc);
        if (TryConsume('{'))
        {
            EnterNesting();
            try
            {
                ParseBlock($"the options of rpc '{name.Text}'", () =>
                {
                    if (TryConsume(';'))
                    {
                        return;
                    }

                    if (!Current.IsIdentifier("option"))
                    {
                        throw Fail($"'option' or '}}' in the body of rpc '{name.Text}'");
                    }

                    ParseOptionStatement(rpc.Options);
                });
            }
            finally
            {
                ExitNesting();
            }
        }
        else
        {
            ExpectSemicolon($"or '{{' after rpc '{name.Text}'");
        }
    }

    private RpcTypeNode ParseRpcType(string expected)
    {
        var streaming = false;
        // As in protoc, 'stream' first in the parentheses is always the keyword: '(stream)' lacks
        // a type, and 'stream.Foo' streams '.Foo'. A message named 'stream' is written qualified.
        if (Current.IsIdentifier("stream"))
        {
            streaming = true;
            Next();
        }

        var name = ParseTypeName(streaming ? expected + " after 'stream'" : expected, out var span);
        return new RpcTypeNode(name, span, streaming);
    }
}
