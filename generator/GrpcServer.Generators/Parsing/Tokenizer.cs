using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GrpcServer.Generators.Parsing;

/// <summary>
/// Splits .proto text into <see cref="Token"/>s, as protoc's tokenizer does: identifiers,
/// integers (decimal, octal, hex), floats, strings (single or double quoted, with every protoc
/// escape) and one-character symbols. Line (<c>//</c>) and block (<c>/* */</c>) comments are kept as
/// the leading or trailing comments of tokens. Errors are collected; tokenizing always completes
/// and ends with an <see cref="TokenKind.EndOfFile"/> token.
/// </summary>
internal sealed class Tokenizer
{
    private readonly string _text;
    private readonly List<ProtoError> _errors;
    private readonly List<Token> _tokens = new();
    private readonly List<string> _commentBlock = new();
    private int _commentBlockEndLine = -1;
    private bool _commentSincePreviousToken;
    private int _offset;
    private int _line;
    private int _column;

    private Tokenizer(string text, List<ProtoError> errors)
    {
        _text = text;
        _errors = errors;
    }

    /// <summary>Tokenizes <paramref name="text"/>; problems are added to <paramref name="errors"/>.</summary>
    public static List<Token> Tokenize(string text, List<ProtoError> errors)
    {
        var tokenizer = new Tokenizer(text, errors);
        tokenizer.Run();
        return tokenizer._tokens;
    }

    private SourcePosition Position => new(_offset, _line, _column);

    private char Current => _offset < _text.Length ? _text[_offset] : '\0';

    private char Peek(int ahead) => _offset + ahead < _text.Length ? _text[_offset + ahead] : '\0';

    private bool AtEnd => _offset >= _text.Length;

    private void Run()
    {
        while (true)
        {
            SkipWhitespace();
            if (AtEnd)
            {
                var end = Position;
                AddToken(TokenKind.EndOfFile, string.Empty, string.Empty, new SourceSpan(end, end));
                return;
            }

            var c = Current;
            if (c == '/' && (Peek(1) == '/' || Peek(1) == '*'))
            {
                ReadComment();
                continue;
            }

            var start = Position;
            if (IsLetter(c))
            {
                while (IsLetterOrDigit(Current))
                {
                    Advance();
                }

                var text = Slice(start);
                AddToken(TokenKind.Identifier, text, text, new SourceSpan(start, Position));
            }
            else if (IsDigit(c) || (c == '.' && IsDigit(Peek(1))))
            {
                ReadNumber(start);
            }
            else if (c == '"' || c == '\'')
            {
                ReadString(start);
            }
            else if (c < ' ' || c == '\u007f' || char.IsControl(c))
            {
                Advance();
                Error($"invalid control character U+{(int)c:X4} in .proto text", new SourceSpan(start, Position));
            }
            else if (char.IsHighSurrogate(c) || c > '\u007f')
            {
                Advance();
                if (char.IsLowSurrogate(Current))
                {
                    Advance();
                }

                Error($"unexpected character '{Slice(start)}'; .proto names use only ASCII letters, digits and '_'", new SourceSpan(start, Position));
            }
            else
            {
                Advance();
                var text = Slice(start);
                AddToken(TokenKind.Symbol, text, text, new SourceSpan(start, Position));
            }
        }
    }

    private void AddToken(TokenKind kind, string text, string value, SourceSpan span)
    {
        var token = new Token(kind, text, value, span);
        if (_commentBlock.Count > 0 && _commentBlockEndLine >= span.Start.Line - 1)
        {
            token.LeadingComment = CommentText.Normalize(_commentBlock);
        }

        _commentBlock.Clear();
        _commentBlockEndLine = -1;
        _commentSincePreviousToken = false;
        _tokens.Add(token);
    }

    private void ReadComment()
    {
        var start = Position;
        var lines = new List<string>();
        if (Peek(1) == '/')
        {
            Advance();
            Advance();
            var contentStart = _offset;
            while (!AtEnd && !IsLineBreak(Current))
            {
                Advance();
            }

            lines.Add(_text.Substring(contentStart, _offset - contentStart));
        }
        else
        {
            Advance();
            Advance();
            var contentStart = _offset;
            var terminated = false;
            while (!AtEnd)
            {
                if (Current == '*' && Peek(1) == '/')
                {
                    terminated = true;
                    break;
                }

                if (Current == '/' && Peek(1) == '*')
                {
                    // As protoc: a block comment cannot hold another one (the first '*/' would end both).
                    var nested = Position;
                    Advance();
                    Advance();
                    Error("'/*' inside a block comment; block comments cannot be nested", new SourceSpan(nested, Position));
                    continue;
                }

                Advance();
            }

            var content = _text.Substring(contentStart, _offset - contentStart);
            if (terminated)
            {
                Advance();
                Advance();
            }
            else
            {
                Error("block comment '/*' is not closed with '*/' before the end of the file", new SourceSpan(start, new SourcePosition(start.Offset + 2, start.Line, start.Column + 2)));
            }

            var first = true;
            foreach (var rawLine in content.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'))
            {
                var line = rawLine;
                if (!first)
                {
                    var trimmed = line.TrimStart();
                    if (trimmed.StartsWith("*", System.StringComparison.Ordinal))
                    {
                        line = trimmed.Substring(1);
                    }
                }

                lines.Add(line);
                first = false;
            }
        }

        var previous = _tokens.Count > 0 ? _tokens[_tokens.Count - 1] : null;
        if (previous is not null && !_commentSincePreviousToken && start.Line == previous.Span.End.Line)
        {
            previous.TrailingComment = CommentText.Normalize(lines);
            _commentSincePreviousToken = true;
            return;
        }

        _commentSincePreviousToken = true;
        if (_commentBlock.Count > 0 && start.Line > _commentBlockEndLine + 1)
        {
            // A blank line separates this comment from the previous one: that one is detached.
            _commentBlock.Clear();
        }

        _commentBlock.AddRange(lines);
        _commentBlockEndLine = _line;
    }

    private void ReadNumber(SourcePosition start)
    {
        var isFloat = false;
        var valid = true;
        if (Current == '0' && (Peek(1) == 'x' || Peek(1) == 'X'))
        {
            Advance();
            Advance();
            var digits = 0;
            while (IsHexDigit(Current))
            {
                Advance();
                digits++;
            }

            if (digits == 0)
            {
                valid = false;
                Error("'0x' must be followed by hex digits", new SourceSpan(start, Position));
            }
        }
        else if (Current == '0' && IsDigit(Peek(1)))
        {
            Advance();
            while (IsDigit(Current))
            {
                if (Current is '8' or '9')
                {
                    valid = false;
                }

                Advance();
            }

            if (!valid)
            {
                Error($"'{Slice(start)}' is not a valid octal number (a leading 0 means octal)", new SourceSpan(start, Position));
            }
        }
        else
        {
            while (IsDigit(Current))
            {
                Advance();
            }

            if (Current == '.')
            {
                isFloat = true;
                Advance();
                while (IsDigit(Current))
                {
                    Advance();
                }
            }

            if (Current is 'e' or 'E')
            {
                isFloat = true;
                Advance();
                if (Current is '+' or '-')
                {
                    Advance();
                }

                if (!IsDigit(Current))
                {
                    valid = false;
                    Error($"'{Slice(start)}' has an exponent without digits", new SourceSpan(start, Position));
                }

                while (IsDigit(Current))
                {
                    Advance();
                }
            }
        }

        if (valid && IsLetter(Current))
        {
            var letterStart = Position;
            while (IsLetterOrDigit(Current))
            {
                Advance();
            }

            Error($"'{Slice(start)}' is not a number; put a space between a number and a name", new SourceSpan(letterStart, Position));
        }

        var text = Slice(start);
        AddToken(isFloat ? TokenKind.Float : TokenKind.Integer, text, text, new SourceSpan(start, Position));
    }

    private void ReadString(SourcePosition start)
    {
        var quote = Current;
        Advance();
        var value = new StringBuilder();
        while (true)
        {
            if (AtEnd || IsLineBreak(Current))
            {
                Error("string is not closed before the end of the line", new SourceSpan(start, Position));
                break;
            }

            var c = Current;
            if (c == quote)
            {
                Advance();
                break;
            }

            if (c != '\\')
            {
                value.Append(c);
                Advance();
                continue;
            }

            var escapeStart = Position;
            Advance();
            var e = Current;
            switch (e)
            {
                case 'a': value.Append('\a'); Advance(); break;
                case 'b': value.Append('\b'); Advance(); break;
                case 'f': value.Append('\f'); Advance(); break;
                case 'n': value.Append('\n'); Advance(); break;
                case 'r': value.Append('\r'); Advance(); break;
                case 't': value.Append('\t'); Advance(); break;
                case 'v': value.Append('\v'); Advance(); break;
                case '\\': value.Append('\\'); Advance(); break;
                case '?': value.Append('?'); Advance(); break;
                case '\'': value.Append('\''); Advance(); break;
                case '"': value.Append('"'); Advance(); break;
                case >= '0' and <= '7':
                {
                    var code = 0;
                    for (var i = 0; i < 3 && Current is >= '0' and <= '7'; i++)
                    {
                        code = (code * 8) + (Current - '0');
                        Advance();
                    }

                    value.Append((char)code);
                    break;
                }

                case 'x' or 'X':
                {
                    Advance();
                    var code = 0;
                    var digits = 0;
                    for (; digits < 2 && IsHexDigit(Current); digits++)
                    {
                        code = (code * 16) + HexValue(Current);
                        Advance();
                    }

                    if (digits == 0)
                    {
                        Error("'\\x' must be followed by one or two hex digits", new SourceSpan(escapeStart, Position));
                    }
                    else
                    {
                        value.Append((char)code);
                    }

                    break;
                }

                case 'u' or 'U':
                {
                    Advance();
                    var wanted = e == 'u' ? 4 : 8;
                    var code = 0L;
                    var digits = 0;
                    for (; digits < wanted && IsHexDigit(Current); digits++)
                    {
                        code = (code * 16) + HexValue(Current);
                        Advance();
                    }

                    // protoc takes \U up to 001FFFFF (it checks the first three digits only); beyond
                    // 10FFFF, and for lone surrogates, the value is no character: U+FFFD stands in.
                    if (digits < wanted || code > 0x1FFFFF)
                    {
                        Error($"'\\{e}' must be followed by {wanted} hex digits of a Unicode code point", new SourceSpan(escapeStart, Position));
                    }
                    else
                    {
                        value.Append(char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF or > 0x10FFFF ? 0xFFFD : (int)code));
                    }

                    break;
                }

                default:
                    if (!AtEnd && !IsLineBreak(e))
                    {
                        Advance();
                    }

                    Error($"invalid escape sequence '{_text.Substring(escapeStart.Offset, _offset - escapeStart.Offset)}' in string", new SourceSpan(escapeStart, Position));
                    break;
            }
        }

        AddToken(TokenKind.String, Slice(start), value.ToString(), new SourceSpan(start, Position));
    }

    private void SkipWhitespace()
    {
        while (!AtEnd)
        {
            var c = Current;
            if (c is ' ' or '\t' or '\f' or '\v' || IsLineBreak(c))
            {
                Advance();
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Moves one character on, counting lines as Roslyn's <c>SourceText</c> does.</summary>
    private void Advance()
    {
        var c = _text[_offset];
        _offset++;
        if (c == '\r')
        {
            if (Current == '\n')
            {
                // The line ends after the '\n' of a "\r\n" pair.
                _column++;
                return;
            }

            NewLine();
        }
        else if (c is '\n' or '\u0085' or '\u2028' or '\u2029')
        {
            NewLine();
        }
        else
        {
            _column++;
        }
    }

    private void NewLine()
    {
        _line++;
        _column = 0;
    }

    private string Slice(SourcePosition start) => _text.Substring(start.Offset, _offset - start.Offset);

    private void Error(string message, SourceSpan span) => _errors.Add(new ProtoError(ProtoErrorKind.Syntax, message, span));

    private static bool IsLineBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';

    private static bool IsLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsLetterOrDigit(char c) => IsLetter(c) || IsDigit(c);

    private static bool IsHexDigit(char c) => IsDigit(c) || c is (>= 'a' and <= 'f') or (>= 'A' and <= 'F');

    private static int HexValue(char c) => int.Parse(c.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

/// <summary>Turns the raw lines of a comment block into doc text.</summary>
internal static class CommentText
{
    /// <summary>
    /// Trims line ends, drops blank lines at either end and the indentation common to all lines;
    /// returns <c>null</c> when nothing is left.
    /// </summary>
    public static string? Normalize(IReadOnlyList<string> rawLines)
    {
        var lines = new List<string>(rawLines.Count);
        foreach (var line in rawLines)
        {
            lines.Add(line.TrimEnd());
        }

        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[lines.Count - 1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count == 0)
        {
            return null;
        }

        var indent = int.MaxValue;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var i = 0;
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            indent = i < indent ? i : indent;
        }

        var builder = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('\n');
            }

            builder.Append(lines[i].Length >= indent ? lines[i].Substring(indent) : lines[i]);
        }

        return builder.ToString();
    }
}
