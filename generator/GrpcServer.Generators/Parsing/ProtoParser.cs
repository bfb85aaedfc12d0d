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
/// A recursive-descent parser for the .proto language (proto2, proto3 and editions), following
/// protoc's grammar. It never throws to its caller: each problem becomes a <see cref="ProtoError"/>
/// at the offending token, the statement in error is skipped (to its <c>;</c> or past its
/// <c>{ }</c> block, never past the <c>}</c> that closes the enclosing block) and parsing goes on.
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

    /// <summary>Parses a whole .proto text.</summary>
    public static ProtoParseResult Parse(string text)
    {
        var errors = new List<ProtoError>();
        var tokens = Tokenizer.Tokenize(text, errors);
        var parser = new ProtoParser(text, tokens, errors);
        var file = parser.ParseFile();
        ProtoValidator.Validate(file, errors);
        errors.Sort((a, b) => a.Span.Start.Offset.CompareTo(b.Span.Start.Offset));
        return new ProtoParseResult(file, errors);
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

    /// <summary>
    /// Unwinds from a statement in error to the loop over the statements of the enclosing block,
    /// which skips the rest of the statement. Never escapes <see cref="Parse"/>.
    /// </summary>
    private sealed class StatementAbort : Exception
    {
    }

    private void AddError(string message, SourceSpan span) => _errors.Add(new ProtoError(ProtoErrorKind.Syntax, message, span));

    private void AddSemanticError(string message, SourceSpan span) => _errors.Add(new ProtoError(ProtoErrorKind.Semantic, message, span));

    /// <summary>Reports an error at the current token and abandons the statement.</summary>
    private StatementAbort Fail(string expected)
    {
        AddError($"expected {expected}, found {Current.Describe()}", Current.Span);
        return new StatementAbort();
    }

    private Token Expect(char symbol, string context)
    {
        if (!Current.IsSymbol(symbol))
        {
            throw Fail($"'{symbol}' {context}");
        }

        return Next();
    }

    /// <summary>
    /// Expects the <c>;</c> that ends a statement. When it is missing and the next token is on a
    /// later line, the error is reported and parsing goes on as if it were there.
    /// </summary>
    private void ExpectSemicolon(string context)
    {
        if (TryConsume(';'))
        {
            return;
        }

        if (!AtEnd && _index > 0 && Current.Span.Start.Line > Previous.Span.End.Line && !Current.IsSymbol('}'))
        {
            AddError($"expected ';' {context}, found {Current.Describe()}", Current.Span);
            return;
        }

        throw Fail($"';' {context}");
    }

    private Token ExpectIdentifier(string expected)
    {
        if (Current.Kind != TokenKind.Identifier)
        {
            throw Fail(expected);
        }

        return Next();
    }

    private void ExpectKeyword(string keyword, string context)
    {
        if (!TryConsumeIdentifier(keyword))
        {
            throw Fail($"'{keyword}' {context}");
        }
    }

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

    private void EnterNesting()
    {
        if (++_depth > MaxDepth)
        {
            _depth--;
            AddError($"declarations are nested more than {Invariant(MaxDepth)} levels deep", Current.Span);
            throw new StatementAbort();
        }
    }

    private void ExitNesting() => _depth--;

    /// <summary>
    /// Parses the statements of a <c>{ }</c> block whose <c>{</c> has been consumed, up to and
    /// including its <c>}</c>; each statement in error is skipped and the block goes on.
    /// </summary>
    private void ParseBlock(string what, Action parseStatement)
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
            try
            {
                parseStatement();
            }
            catch (StatementAbort)
            {
                SkipStatement();
            }

            if (_index == start && !Current.IsSymbol('}'))
            {
                Next();
            }
        }
    }

    // ---- names and values ----

    /// <summary>Reads <c>ident { . ident }</c>.</summary>
    private string ParseFullIdentifier(string expected, out SourceSpan span)
    {
        var first = ExpectIdentifier(expected);
        var builder = new StringBuilder(first.Text);
        span = first.Span;
        while (Current.IsSymbol('.'))
        {
            Next();
            var part = ExpectIdentifier($"a name after '.' in '{builder}.'");
            builder.Append('.').Append(part.Text);
            span = span.Union(part.Span);
        }

        return builder.ToString();
    }

    /// <summary>Reads a type reference: <c>[.] ident { . ident }</c>.</summary>
    private string ParseTypeName(string expected, out SourceSpan span)
    {
        if (Current.IsSymbol('.'))
        {
            var dot = Next();
            var name = ParseFullIdentifier($"a type name after '.'", out var rest);
            span = dot.Span.Union(rest);
            return "." + name;
        }

        return ParseFullIdentifier(expected, out span);
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

    /// <summary>Reads an integer literal with an optional sign; reports values that don't fit.</summary>
    private long ParseSignedInteger(string expected, long min, long max, out SourceSpan span)
    {
        var negative = false;
        span = Current.Span;
        if (Current.IsSymbol('-'))
        {
            negative = true;
            Next();
        }

        if (Current.Kind != TokenKind.Integer)
        {
            throw Fail(expected);
        }

        var token = Next();
        span = span.Union(token.Span);
        if (!TryParseInteger(token.Text, out var magnitude))
        {
            AddSemanticError($"integer '{token.Text}' is too large", span);
            return negative ? min : max;
        }

        var limit = negative ? (min < 0 ? (ulong)(-(min + 1)) + 1 : 0) : (ulong)max;
        if (magnitude > limit)
        {
            AddSemanticError($"integer '{(negative ? "-" : string.Empty)}{token.Text}' is out of range [{Invariant(min)}, {Invariant(max)}]", span);
            return negative ? min : max;
        }

        return negative ? unchecked((long)(0UL - magnitude)) : (long)magnitude;
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
    private string ParseOptionName(out SourceSpan span)
    {
        var builder = new StringBuilder();
        span = Current.Span;
        while (true)
        {
            if (Current.IsSymbol('('))
            {
                Next();
                var leadingDot = TryConsume('.');
                var name = ParseFullIdentifier("an extension name after '(' in an option name", out _);
                var close = Expect(')', $"to close the extension name '({name}' in an option name");
                builder.Append('(').Append(leadingDot ? "." : string.Empty).Append(name).Append(')');
                span = span.Union(close.Span);
            }
            else
            {
                var part = ExpectIdentifier(builder.Length == 0 ? "an option name" : $"a name after '{builder}.'");
                builder.Append(part.Text);
                span = span.Union(part.Span);
            }

            if (!Current.IsSymbol('.'))
            {
                return builder.ToString();
            }

            Next();
            builder.Append('.');
        }
    }

    /// <summary>Reads <c>name = value</c> of an option.</summary>
    private OptionNode ParseOptionAssignment()
    {
        var name = ParseOptionName(out var nameSpan);
        Expect('=', $"after option name '{name}'");
        var value = ParseOptionValue(name, out var kind, out var valueSpan);
        return new OptionNode(name, kind, value, nameSpan.Union(valueSpan));
    }

    /// <summary>Reads <c>option name = value;</c> after the <c>option</c> keyword.</summary>
    private void ParseOptionStatement(List<OptionNode> options)
    {
        Next();
        var option = ParseOptionAssignment();
        options.Add(option);
        ExpectSemicolon($"after option '{option.Name}'");
    }

    /// <summary>Reads <c>[ name = value, ... ]</c> if present.</summary>
    private void ParseBracketOptions(List<OptionNode> options)
    {
        if (!TryConsume('['))
        {
            return;
        }

        while (true)
        {
            options.Add(ParseOptionAssignment());
            if (TryConsume(','))
            {
                continue;
            }

            Expect(']', "to close the options list");
            return;
        }
    }

    private string ParseOptionValue(string optionName, out OptionValueKind kind, out SourceSpan span)
    {
        var token = Current;
        span = token.Span;
        switch (token.Kind)
        {
            case TokenKind.String:
                kind = OptionValueKind.String;
                return ParseStrings(out span);
            case TokenKind.Integer:
                kind = OptionValueKind.Integer;
                Next();
                return token.Text;
            case TokenKind.Float:
                kind = OptionValueKind.Float;
                Next();
                return token.Text;
            case TokenKind.Identifier:
                kind = OptionValueKind.Identifier;
                return ParseFullIdentifier("a value", out span);
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
                    return (token.IsSymbol('-') ? "-" : string.Empty) + number.Text;
                }

                throw Fail($"a number after '{token.Text}' in the value of option '{optionName}'");
            }

            case TokenKind.Symbol when token.IsSymbol('{'):
                kind = OptionValueKind.Aggregate;
                Next();
                EnterNesting();
                try
                {
                    ParseTextFormatFields('}');
                }
                finally
                {
                    ExitNesting();
                }

                span = token.Span.Union(Previous.Span);
                return _text.Substring(span.Start.Offset, span.Length);
            default:
                throw Fail($"a value for option '{optionName}'");
        }
    }

    /// <summary>
    /// Reads the fields of a protobuf text-format message (the value of an aggregate option) up
    /// to and including <paramref name="closer"/>: <c>name: value</c>, <c>name { ... }</c>,
    /// <c>[ext.name]: value</c>, lists <c>[a, b]</c>, separated by optional <c>,</c> or <c>;</c>.
    /// </summary>
    private void ParseTextFormatFields(char closer)
    {
        while (!TryConsume(closer))
        {
            if (AtEnd)
            {
                throw Fail($"'{closer}' to close the message value");
            }

            string fieldName;
            if (TryConsume('['))
            {
                fieldName = ParseFullIdentifier("an extension or type URL name after '['", out _);
                if (TryConsume('/'))
                {
                    fieldName = ParseFullIdentifier("a type name after '/' in a type URL", out _);
                }

                Expect(']', $"to close the extension name '[{fieldName}'");
            }
            else
            {
                fieldName = ExpectIdentifier($"a field name or '{closer}' in the message value").Text;
            }

            if (TryConsume(':'))
            {
                if (TryConsume('['))
                {
                    if (!TryConsume(']'))
                    {
                        do
                        {
                            ParseTextFormatValue(fieldName);
                        }
                        while (TryConsume(','));
                        Expect(']', $"to close the list value of '{fieldName}'");
                    }
                }
                else
                {
                    ParseTextFormatValue(fieldName);
                }
            }
            else if (Current.IsSymbol('{') || Current.IsSymbol('<'))
            {
                ParseTextFormatValue(fieldName);
            }
            else if (Current.IsSymbol('['))
            {
                // A repeated message field written without ':' - name [ {..}, {..} ].
                Next();
                if (!TryConsume(']'))
                {
                    do
                    {
                        ParseTextFormatValue(fieldName);
                    }
                    while (TryConsume(','));
                    Expect(']', $"to close the list value of '{fieldName}'");
                }
            }
            else
            {
                throw Fail($"':' or '{{' after '{fieldName}' in the message value");
            }

            if (!TryConsume(','))
            {
                TryConsume(';');
            }
        }
    }

    private void ParseTextFormatValue(string fieldName)
    {
        if (Current.IsSymbol('{') || Current.IsSymbol('<'))
        {
            var open = Next();
            EnterNesting();
            try
            {
                ParseTextFormatFields(open.IsSymbol('{') ? '}' : '>');
            }
            finally
            {
                ExitNesting();
            }

            return;
        }

        if (Current.IsSymbol('-') || Current.IsSymbol('+'))
        {
            Next();
        }

        switch (Current.Kind)
        {
            case TokenKind.String:
                ParseStrings(out _);
                return;
            case TokenKind.Integer:
            case TokenKind.Float:
            case TokenKind.Identifier:
                Next();
                return;
            default:
                throw Fail($"a value for '{fieldName}'");
        }
    }
}
