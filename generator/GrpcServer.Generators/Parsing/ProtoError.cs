using System.Collections.Generic;
using System.Linq;

namespace GrpcServer.Generators.Parsing;

/// <summary>The kind of a problem found while reading a .proto file.</summary>
internal enum ProtoErrorKind
{
    /// <summary>The text is not valid .proto syntax (tokens or grammar): found by the tokenizer and the parser.</summary>
    Syntax,

    /// <summary>The syntax is valid, but the declaration breaks a rule of the .proto language: found by the validator.</summary>
    Semantic,

    /// <summary>A name declared twice in the file (<see cref="ProtoError.Message"/> is the full name; <see cref="ProtoError.FirstDeclaration"/> says what it was first declared as, and where): found by the validator.</summary>
    DuplicateName,
}

/// <summary>A problem in a .proto file, located at the token where it was found.</summary>
/// <param name="Kind">Syntax, a broken rule, or a name declared twice.</param>
/// <param name="Message">What is wrong; for <see cref="ProtoErrorKind.DuplicateName"/> the name.</param>
/// <param name="Span">Where.</param>
/// <param name="FirstDeclaration">For <see cref="ProtoErrorKind.DuplicateName"/>, what the name was first declared as (<c>a message</c>) and on which line (1-based).</param>
internal readonly record struct ProtoError(ProtoErrorKind Kind, string Message, SourceSpan Span, (string What, int Line)? FirstDeclaration = null)
{
    public override string ToString() => FirstDeclaration is { } first ? $"{Span}: '{Message}' is already declared as {first.What} at line {first.Line}" : $"{Span}: {Message}";

    /// <summary>The errors in text order; errors at one position keep the order in which they were found.</summary>
    public static IReadOnlyList<ProtoError> SortByPosition(IEnumerable<ProtoError> errors) =>
        errors.OrderBy(e => e.Span.Start.Offset).ToList();
}
