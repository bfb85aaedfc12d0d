namespace GrpcServer.Generators.Parsing;

/// <summary>A position in a .proto text: UTF-16 offset, zero-based line and zero-based column.</summary>
internal readonly record struct SourcePosition(int Offset, int Line, int Column);

/// <summary>A range of a .proto text, from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive).</summary>
internal readonly record struct SourceSpan(SourcePosition Start, SourcePosition End)
{
    public int Length => End.Offset - Start.Offset;

    /// <summary>A span that covers both spans (and everything between them).</summary>
    public SourceSpan Union(SourceSpan other) =>
        new(other.Start.Offset < Start.Offset ? other.Start : Start, other.End.Offset > End.Offset ? other.End : End);

    public override string ToString() => $"({Start.Line + 1},{Start.Column + 1})-({End.Line + 1},{End.Column + 1})";
}
