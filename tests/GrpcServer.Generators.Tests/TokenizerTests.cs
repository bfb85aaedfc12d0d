using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Tests;

public sealed class TokenizerTests
{
    private static List<Token> Tokenize(string text, out List<ProtoError> errors)
    {
        errors = [];
        return Tokenizer.Tokenize(text, errors);
    }

    [Fact]
    public void Tokens_carry_zero_based_line_column_and_offset()
    {
        var tokens = Tokenize("syntax = \"proto3\";\n  message Foo {}", out var errors);

        Assert.Empty(errors);
        Assert.Equal(["syntax", "=", "\"proto3\"", ";", "message", "Foo", "{", "}", ""], tokens.Select(t => t.Text));
        var message = tokens[4];
        Assert.Equal(TokenKind.Identifier, message.Kind);
        Assert.Equal(new SourcePosition(21, 1, 2), message.Span.Start);
        Assert.Equal(new SourcePosition(28, 1, 9), message.Span.End);
        Assert.Equal(TokenKind.EndOfFile, tokens[^1].Kind);
    }

    [Theory]
    [InlineData("a\r\nb")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    public void Every_line_break_style_counts_as_one_line(string text)
    {
        var tokens = Tokenize(text, out _);

        Assert.Equal(new SourcePosition(text.Length - 1, 1, 0), tokens[1].Span.Start);
    }

    [Fact]
    public void String_escapes_are_decoded_as_protoc_decodes_them()
    {
        var tokens = Tokenize("""'\a\b\f\n\r\t\v\\\'\"\?' "\101\x41\X4a\u00e9\U0001F600\0" 'it''s'""", out var errors);

        Assert.Empty(errors);
        Assert.Equal("\a\b\f\n\r\t\v\\'\"?", tokens[0].Value);
        Assert.Equal("AAJé\U0001F600\0", tokens[1].Value);
        Assert.Equal(TokenKind.String, tokens[2].Kind);
        Assert.Equal("it", tokens[2].Value);
        Assert.Equal("s", tokens[3].Value);
    }

    [Theory]
    [InlineData("\"\\U00110000\"", "\uFFFD")]
    [InlineData("\"\\U001FFFFF\"", "\uFFFD")]
    [InlineData("\"\\uD800\"", "\uFFFD")]
    public void Escapes_of_no_character_that_protoc_accepts_become_the_replacement_character(string text, string value)
    {
        var tokens = Tokenize(text, out var errors);

        Assert.Empty(errors);
        Assert.Equal(value, tokens[0].Value);
    }

    [Theory]
    [InlineData("\"\\U00200000\"")]
    [InlineData("\"\\U0041\"")]
    [InlineData("\"\\u41\"")]
    public void Unicode_escapes_protoc_rejects_are_reported(string text)
    {
        Tokenize(text, out var errors);

        Assert.Single(errors);
    }

    [Fact]
    public void Invalid_escape_is_reported_at_the_escape_and_tokenizing_goes_on()
    {
        var tokens = Tokenize("x = \"a\\qb\";", out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("invalid escape sequence '\\q' in string", error.Message);
        Assert.Equal(new SourcePosition(6, 0, 6), error.Span.Start);
        Assert.Equal(";", tokens[^2].Text);
    }

    [Fact]
    public void String_not_closed_on_its_line_is_reported()
    {
        var tokens = Tokenize("option x = \"abc\nmessage M {}", out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("string is not closed before the end of the line", error.Message);
        Assert.Equal(0, error.Span.Start.Line);
        Assert.Contains(tokens, t => t.Text == "message" && t.Span.Start.Line == 1);
    }

    [Theory]
    [InlineData("42", "Integer")]
    [InlineData("0x1F", "Integer")]
    [InlineData("017", "Integer")]
    [InlineData("0", "Integer")]
    [InlineData("1.5", "Float")]
    [InlineData("1.5e-3", "Float")]
    [InlineData("1E10", "Float")]
    [InlineData(".5", "Float")]
    [InlineData("2.", "Float")]
    public void Numbers_are_read_as_protoc_reads_them(string text, string kind)
    {
        var tokens = Tokenize(text, out var errors);

        Assert.Empty(errors);
        Assert.Equal(Enum.Parse<TokenKind>(kind), tokens[0].Kind);
        Assert.Equal(text, tokens[0].Text);
    }

    [Theory]
    [InlineData("09", "'09' is not a valid octal number (a leading 0 means octal)")]
    [InlineData("0x", "'0x' must be followed by hex digits")]
    [InlineData("12abc", "'12abc' is not a number; put a space between a number and a name")]
    [InlineData("1.5f", "'1.5f' is not a number; put a space between a number and a name")]
    [InlineData("1e+", "'1e+' has an exponent without digits")]
    public void Malformed_numbers_are_reported(string text, string message)
    {
        Tokenize(text, out var errors);

        Assert.Equal(message, Assert.Single(errors).Message);
    }

    [Fact]
    public void Comment_directly_above_a_token_is_its_leading_comment()
    {
        var tokens = Tokenize("""
            // detached: a blank line follows

            // First line.
            //   indented line
            message A {} // trailing A
            /* Block
             * comment.
             */
            message B {}
            """, out var errors);

        Assert.Empty(errors);
        var a = tokens.First(t => t.Text == "message");
        Assert.Equal("First line.\n  indented line", a.LeadingComment);
        Assert.Equal("trailing A", tokens.First(t => t.Text == "}").TrailingComment);
        var b = tokens.Last(t => t.Text == "message");
        Assert.Equal("Block\ncomment.", b.LeadingComment);
    }

    [Fact]
    public void Unclosed_block_comment_is_reported_at_its_start()
    {
        Tokenize("message A {}\n/* never closed", out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("block comment '/*' is not closed with '*/' before the end of the file", error.Message);
        Assert.Equal(new SourcePosition(13, 1, 0), error.Span.Start);
    }

    [Fact]
    public void Non_ascii_character_outside_strings_and_comments_is_reported()
    {
        var tokens = Tokenize("message Caf\u00e9 {} // caf\u00e9 is fine here", out var errors);

        var error = Assert.Single(errors);
        Assert.StartsWith("unexpected character '\u00e9'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["message", "Caf", "{", "}", ""], tokens.Select(t => t.Text));
    }
}
