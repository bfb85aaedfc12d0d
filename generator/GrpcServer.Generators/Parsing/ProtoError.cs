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
}

/// <summary>A problem in a .proto file, located at the token where it was found.</summary>
internal readonly record struct ProtoError(ProtoErrorKind Kind, string Message, SourceSpan Span)
{
    public override string ToString() => $"{Span}: {Message}";

    /// <summary>The errors in text order; errors at one position keep the order in which they were found.</summary>
    public static IReadOnlyList<ProtoError> SortByPosition(IEnumerable<ProtoError> errors) =>
        errors.OrderBy(e => e.Span.Start.Offset).ToList();
}
