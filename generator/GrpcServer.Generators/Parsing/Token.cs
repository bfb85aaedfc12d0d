namespace GrpcServer.Generators.Parsing;

/// <summary>The lexical class of a <see cref="Token"/>.</summary>
internal enum TokenKind
{
    EndOfFile,
    Identifier,
    Integer,
    Float,
    String,
    Symbol,
}

/// <summary>
/// One token of a .proto file. <see cref="Text"/> is the token as written; for strings
/// <see cref="Value"/> holds the decoded value. Comments are not tokens: the comment block
/// that directly precedes a token (no blank line between) is its <see cref="LeadingComment"/>,
/// and a comment that starts on the line a token ends on is that token's <see cref="TrailingComment"/>.
/// </summary>
internal sealed class Token
{
    public Token(TokenKind kind, string text, string value, SourceSpan span)
    {
        Kind = kind;
        Text = text;
        Value = value;
        Span = span;
    }

    public TokenKind Kind { get; }

    public string Text { get; }

    public string Value { get; }

    public SourceSpan Span { get; }

    public string? LeadingComment { get; internal set; }

    public string? TrailingComment { get; internal set; }

    public bool Is(TokenKind kind, string text) => Kind == kind && Text == text;

    public bool IsSymbol(char symbol) => Kind == TokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;

    public bool IsIdentifier(string text) => Kind == TokenKind.Identifier && Text == text;

    /// <summary>How the token reads in an error message: <c>'}'</c>, <c>'foo'</c> or <c>end of file</c>.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "end of file",
        TokenKind.String => "string " + Text,
        _ => "'" + Text + "'",
    };

    public override string ToString() => $"{Kind} {Text} {Span}";
}
