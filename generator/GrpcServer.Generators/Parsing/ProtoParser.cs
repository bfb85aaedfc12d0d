using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GrpcServer.Generators.Parsing;

/// <summary>The result of parsing one .proto text: the tree and every problem found.</summary>
internal sealed class ProtoParseResult
{
    public ProtoParseResult(ProtoFileNode file, IReadOnlyList<ProtoError> errors)
    {
        File = file;
        Errors = errors;
    }

    public ProtoFileNode File { get; }

    public IReadOnlyList<ProtoError> Errors { get; }
}

/// <summary>
/// A recursive-descent parser for the .proto grammar (proto2, proto3 and editions), following
/// protoc's. It checks syntax only (the language's other rules are <see cref="ProtoValidator"/>'s) and
/// never throws, not even internally: each problem becomes a <see cref="ProtoError"/> at the offending
/// token, the statement in error is skipped (to its <c>;</c> or past its <c>{ }</c> block, never past
/// the <c>}</c> that closes the enclosing block) and parsing goes on.
/// </summary>
internal sealed partial class ProtoParser
{
    /// <summary>Deeper nesting than this is reported instead of risking the compiler's stack.</summary>
    internal const int MaxDepth = 100;

    private static readonly HashSet<string> s_scalarTypes = new(StringComparer.Ordinal)
    {
        "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
        "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
    };

    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly List<ProtoError> _errors;
    private int _index;
    private int _depth;

    /// <summary>Whether <c>export</c> and <c>local</c> start a statement as keywords (edition 2024 and later).</summary>
    private bool _visibilityKeywords;

    private ProtoParser(string text, List<Token> tokens, List<ProtoError> errors)
    {
        _text = text;
        _tokens = tokens;
        _errors = errors;
    }

    /// <summary>Parses a whole .proto text; the result holds its syntax errors (the language's other rules are <see cref="ProtoValidator"/>'s).</summary>
    public static ProtoParseResult Parse(string text)
    {
        var errors = new List<ProtoError>();
        var tokens = Tokenizer.Tokenize(text, errors);
        var parser = new ProtoParser(text, tokens, errors);
        var file = parser.ParseFile();
        return new ProtoParseResult(file, ProtoError.SortByPosition(errors));
    }

    /// <summary>Scalar type names, which are never message or enum references.</summary>
    public static bool IsScalarType(string name) => s_scalarTypes.Contains(name);

    private Token Current => _tokens[_index];

    private Token Previous => _tokens[_index > 0 ? _index - 1 : 0];

    private bool AtEnd => Current.Kind == TokenKind.EndOfFile;

    private Token PeekToken(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Next()
    {
        var token = Current;
        if (!AtEnd)
        {
            _index++;
        }

        return token;
    }

    private bool TryConsume(char symbol)
    {
        if (Current.IsSymbol(symbol))
        {
            Next();
            return true;
        }

        return false;
    }

    private bool TryConsumeIdentifier(string keyword)
    {
        if (Current.IsIdentifier(keyword))
        {
            Next();
            return true;
        }

        return false;
    }

    // ---- errors and recovery ----
    // A syntax error is a value: Fail records it and returns false, each parse method returns false in turn, and the
    // loop over the statements of the enclosing block skips the rest of the statement (as Roslyn's parser does, no
    // exception unwinds the parser).

    private void AddError(string message, SourceSpan span) => _errors.Add(new ProtoError(ProtoErrorKind.Syntax, message, span));

    /// <summary>Reports an error at the current token; returns <c>false</c> so that the caller abandons the statement.</summary>
    private bool Fail(string expected)
    {
        AddError($"expected {expected}, found {Current.Describe()}", Current.Span);
        return false;
    }

    private bool Expect(char symbol, string context) => Expect(symbol, context, out _);

    private bool Expect(char symbol, string context, out Token token)
    {
        token = Current;
        if (!Current.IsSymbol(symbol))
        {
            return Fail($"'{symbol}' {context}");
        }

        Next();
        return true;
    }

    /// <summary>
    /// Expects the <c>;</c> that ends a statement. When it is missing and the next token is on a
    /// later line, the error is reported and parsing goes on as if it were there.
    /// </summary>
    private bool ExpectSemicolon(string context)
    {
        if (TryConsume(';'))
        {
            return true;
        }

        if (!AtEnd && _index > 0 && Current.Span.Start.Line > Previous.Span.End.Line && !Current.IsSymbol('}'))
        {
            AddError($"expected ';' {context}, found {Current.Describe()}", Current.Span);
            return true;
        }

        return Fail($"';' {context}");
    }

    private bool ExpectIdentifier(string expected, out Token token)
    {
        token = Current;
        if (Current.Kind != TokenKind.Identifier)
        {
            return Fail(expected);
        }

        Next();
        return true;
    }

    private bool ExpectKeyword(string keyword, string context) =>
        TryConsumeIdentifier(keyword) || Fail($"'{keyword}' {context}");

    /// <summary>Skips the rest of a statement: to and past its <c>;</c>, or past its <c>{ }</c> block, or up to (not past) a <c>}</c>.</summary>
    private void SkipStatement()
    {
        while (!AtEnd)
        {
            if (Current.IsSymbol(';'))
            {
                Next();
                return;
            }

            if (Current.IsSymbol('{'))
            {
                SkipBlock();
                return;
            }

            if (Current.IsSymbol('}'))
            {
                return;
            }

            Next();
        }
    }

    /// <summary>Skips a balanced <c>{ ... }</c> starting at the current <c>{</c>.</summary>
    private void SkipBlock()
    {
        var depth = 0;
        while (!AtEnd)
        {
            var token = Next();
            if (token.IsSymbol('{'))
            {
                depth++;
            }
            else if (token.IsSymbol('}') && --depth == 0)
            {
                return;
            }
        }
    }

    /// <summary>Enters a nested block; reports and returns <c>false</c> when that is deeper than <see cref="MaxDepth"/>. A <c>true</c> needs an <see cref="ExitNesting"/>.</summary>
    private bool EnterNesting()
    {
        if (++_depth > MaxDepth)
        {
            _depth--;
            AddError($"declarations are nested more than {Invariant(MaxDepth)} levels deep", Current.Span);
            return false;
        }

        return true;
    }

    private void ExitNesting() => _depth--;

    /// <summary>
    /// Parses the statements of a <c>{ }</c> block whose <c>{</c> has been consumed, up to and
    /// including its <c>}</c>; each statement in error is skipped and the block goes on.
    /// </summary>
    private void ParseBlock(string what, Func<bool> parseStatement)
    {
        while (true)
        {
            if (TryConsume('}'))
            {
                return;
            }

            if (AtEnd)
            {
                AddError($"expected '}}' to close {what}, found end of file", Current.Span);
                return;
            }

            var start = _index;
            if (!parseStatement())
            {
                SkipStatement();
            }

            if (_index == start && !Current.IsSymbol('}'))
            {
                Next();
            }
        }
    }

    /// <summary>Parses a nested <c>{ }</c> block (see <see cref="ParseBlock"/>); <c>false</c> only when it is nested too deep.</summary>
    private bool ParseNestedBlock(string what, Func<bool> parseStatement)
    {
        if (!EnterNesting())
        {
            return false;
        }

        ParseBlock(what, parseStatement);
        ExitNesting();
        return true;
    }

    // ---- names and values ----

    /// <summary>Reads <c>ident { . ident }</c>.</summary>
    private bool ParseFullIdentifier(string expected, out string name, out SourceSpan span)
    {
        name = string.Empty;
        span = Current.Span;
        if (!ExpectIdentifier(expected, out var first))
        {
            return false;
        }

        var builder = new StringBuilder(first.Text);
        span = first.Span;
        while (Current.IsSymbol('.'))
        {
            Next();
            if (!ExpectIdentifier($"a name after '.' in '{builder}.'", out var part))
            {
                return false;
            }

            builder.Append('.').Append(part.Text);
            span = span.Union(part.Span);
        }

        name = builder.ToString();
        return true;
    }

    /// <summary>Reads a type reference: <c>[.] ident { . ident }</c>.</summary>
    private bool ParseTypeName(string expected, out string name, out SourceSpan span)
    {
        if (Current.IsSymbol('.'))
        {
            var dot = Next();
            var ok = ParseFullIdentifier("a type name after '.'", out var rest, out var restSpan);
            name = "." + rest;
            span = dot.Span.Union(restSpan);
            return ok;
        }

        return ParseFullIdentifier(expected, out name, out span);
    }

    /// <summary>Reads one or more adjacent string literals (they are concatenated, as in C).</summary>
    private string ParseStrings(out SourceSpan span)
    {
        var first = Next();
        var builder = new StringBuilder(first.Value);
        span = first.Span;
        while (Current.Kind == TokenKind.String)
        {
            var next = Next();
            builder.Append(next.Value);
            span = span.Union(next.Span);
        }

        return builder.ToString();
    }

    /// <summary>Reads an integer literal with an optional <c>-</c>; whether its value fits where it is written is the validator's concern.</summary>
    private bool ParseInteger(string expected, out IntegerLiteral literal)
    {
        var negative = false;
        var span = Current.Span;
        literal = default;
        if (Current.IsSymbol('-'))
        {
            negative = true;
            Next();
        }

        if (Current.Kind != TokenKind.Integer)
        {
            return Fail(expected);
        }

        var token = Next();
        span = span.Union(token.Span);
        var fits = TryParseInteger(token.Text, out var magnitude);
        literal = new IntegerLiteral((negative ? "-" : string.Empty) + token.Text, negative, fits ? magnitude : 0, !fits, span);
        return true;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a decimal, octal (leading 0) or hex (0x) integer literal.</summary>
    internal static bool TryParseInteger(string text, out ulong value)
    {
        value = 0;
        int radix;
        var start = 0;
        if (text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        {
            radix = 16;
            start = 2;
        }
        else if (text.Length > 1 && text[0] == '0')
        {
            radix = 8;
            start = 1;
        }
        else
        {
            radix = 10;
        }

        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return false;
            }

            var next = unchecked((value * (ulong)radix) + (ulong)digit);
            if (value > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                return false;
            }

            value = next;
        }

        return true;
    }

    /// <summary>Reads an option name: <c>ident</c> or <c>(full.ident)</c> parts joined by <c>.</c>.</summary>
    private bool ParseOptionName(out string name, out SourceSpan span)
    {
        var builder = new StringBuilder();
        name = string.Empty;
        span = Current.Span;
        while (true)
        {
            if (Current.IsSymbol('('))
            {
                Next();
                var leadingDot = TryConsume('.');
                if (!ParseFullIdentifier("an extension name after '(' in an option name", out var extension, out _) ||
                    !Expect(')', $"to close the extension name '({extension}' in an option name", out var close))
                {
                    return false;
                }

                builder.Append('(').Append(leadingDot ? "." : string.Empty).Append(extension).Append(')');
                span = span.Union(close.Span);
            }
            else
            {
                if (!ExpectIdentifier(builder.Length == 0 ? "an option name" : $"a name after '{builder}.'", out var part))
                {
                    return false;
                }

                builder.Append(part.Text);
                span = span.Union(part.Span);
            }

            if (!Current.IsSymbol('.'))
            {
                name = builder.ToString();
                return true;
            }

            Next();
            builder.Append('.');
        }
    }

    /// <summary>Reads <c>name = value</c> of an option.</summary>
    private bool ParseOptionAssignment(out OptionNode? option)
    {
        option = null;
        if (!ParseOptionName(out var name, out var nameSpan) ||
            !Expect('=', $"after option name '{name}'") ||
            !ParseOptionValue(name, out var kind, out var value, out var valueSpan))
        {
            return false;
        }

        option = new OptionNode(name, kind, value, nameSpan.Union(valueSpan));
        return true;
    }

    /// <summary>Reads <c>option name = value;</c> after the <c>option</c> keyword.</summary>
    private bool ParseOptionStatement(List<OptionNode> options)
    {
        Next();
        if (!ParseOptionAssignment(out var option))
        {
            return false;
        }

        options.Add(option!);
        return ExpectSemicolon($"after option '{option!.Name}'");
    }

    /// <summary>Reads <c>[ name = value, ... ]</c> if present.</summary>
    private bool ParseBracketOptions(List<OptionNode> options)
    {
        if (!TryConsume('['))
        {
            return true;
        }

        while (true)
        {
            if (!ParseOptionAssignment(out var option))
            {
                return false;
            }

            options.Add(option!);
            if (TryConsume(','))
            {
                continue;
            }

            return Expect(']', "to close the options list");
        }
    }

    private bool ParseOptionValue(string optionName, out OptionValueKind kind, out string value, out SourceSpan span)
    {
        var token = Current;
        span = token.Span;
        kind = OptionValueKind.Identifier;
        value = string.Empty;
        switch (token.Kind)
        {
            case TokenKind.String:
                kind = OptionValueKind.String;
                value = ParseStrings(out span);
                return true;
            case TokenKind.Integer:
                kind = OptionValueKind.Integer;
                Next();
                value = token.Text;
                return true;
            case TokenKind.Float:
                kind = OptionValueKind.Float;
                Next();
                value = token.Text;
                return true;
            case TokenKind.Identifier:
                kind = OptionValueKind.Identifier;
                return ParseFullIdentifier("a value", out value, out span);
            case TokenKind.Symbol when token.IsSymbol('-') || token.IsSymbol('+'):
            {
                Next();
                var number = Current;
                if (number.Kind == TokenKind.Integer || number.Kind == TokenKind.Float ||
                    number.IsIdentifier("inf") || number.IsIdentifier("nan") || number.IsIdentifier("infinity"))
                {
                    Next();
                    span = token.Span.Union(number.Span);
                    kind = number.Kind == TokenKind.Integer ? OptionValueKind.Integer : OptionValueKind.Float;
                    value = (token.IsSymbol('-') ? "-" : string.Empty) + number.Text;
                    return true;
                }

                return Fail($"a number after '{token.Text}' in the value of option '{optionName}'");
            }

            case TokenKind.Symbol when token.IsSymbol('{'):
            {
                kind = OptionValueKind.Aggregate;
                Next();
                if (!EnterNesting())
                {
                    return false;
                }

                var ok = ParseTextFormatFields('}');
                ExitNesting();
                span = token.Span.Union(Previous.Span);
                value = _text.Substring(span.Start.Offset, span.Length);
                return ok;
            }

            default:
                return Fail($"a value for option '{optionName}'");
        }
    }

    /// <summary>
    /// Reads the fields of a protobuf text-format message (the value of an aggregate option) up
    /// to and including <paramref name="closer"/>: <c>name: value</c>, <c>name { ... }</c>,
    /// <c>[ext.name]: value</c>, lists <c>[a, b]</c>, separated by optional <c>,</c> or <c>;</c>.
    /// </summary>
    private bool ParseTextFormatFields(char closer)
    {
        while (!TryConsume(closer))
        {
            if (AtEnd)
            {
                return Fail($"'{closer}' to close the message value");
            }

            string fieldName;
            if (TryConsume('['))
            {
                if (!ParseFullIdentifier("an extension or type URL name after '['", out fieldName, out _))
                {
                    return false;
                }

                if (TryConsume('/') && !ParseFullIdentifier("a type name after '/' in a type URL", out fieldName, out _))
                {
                    return false;
                }

                if (!Expect(']', $"to close the extension name '[{fieldName}'"))
                {
                    return false;
                }
            }
            else
            {
                if (!ExpectIdentifier($"a field name or '{closer}' in the message value", out var nameToken))
                {
                    return false;
                }

                fieldName = nameToken.Text;
            }

            bool ok;
            if (TryConsume(':'))
            {
                ok = TryConsume('[') ? ParseTextFormatList(fieldName) : ParseTextFormatValue(fieldName);
            }
            else if (Current.IsSymbol('{') || Current.IsSymbol('<'))
            {
                ok = ParseTextFormatValue(fieldName);
            }
            else if (TryConsume('['))
            {
                // A repeated message field written without ':' - name [ {..}, {..} ].
                ok = ParseTextFormatList(fieldName);
            }
            else
            {
                ok = Fail($"':' or '{{' after '{fieldName}' in the message value");
            }

            if (!ok)
            {
                return false;
            }

            if (!TryConsume(','))
            {
                TryConsume(';');
            }
        }

        return true;
    }

    /// <summary>Reads the rest of a list value <c>[a, b]</c> whose <c>[</c> has been consumed.</summary>
    private bool ParseTextFormatList(string fieldName)
    {
        if (TryConsume(']'))
        {
            return true;
        }

        do
        {
            if (!ParseTextFormatValue(fieldName))
            {
                return false;
            }
        }
        while (TryConsume(','));
        return Expect(']', $"to close the list value of '{fieldName}'");
    }

    private bool ParseTextFormatValue(string fieldName)
    {
        if (Current.IsSymbol('{') || Current.IsSymbol('<'))
        {
            var open = Next();
            if (!EnterNesting())
            {
                return false;
            }

            var ok = ParseTextFormatFields(open.IsSymbol('{') ? '}' : '>');
            ExitNesting();
            return ok;
        }

        if (Current.IsSymbol('-') || Current.IsSymbol('+'))
        {
            Next();
        }

        switch (Current.Kind)
        {
            case TokenKind.String:
                ParseStrings(out _);
                return true;
            case TokenKind.Integer:
            case TokenKind.Float:
            case TokenKind.Identifier:
                Next();
                return true;
            default:
                return Fail($"a value for '{fieldName}'");
        }
    }
}
