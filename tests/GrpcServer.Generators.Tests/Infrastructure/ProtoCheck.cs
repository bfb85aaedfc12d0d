using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Tests.Infrastructure;

/// <summary>One file through the parser (syntax) and the validator (the language's rules), as the generator reads it.</summary>
internal static class ProtoCheck
{
    /// <summary>Every syntax error and rule violation of <paramref name="text"/>, in text order.</summary>
    public static IReadOnlyList<ProtoError> Errors(string text)
    {
        var parsed = ProtoParser.Parse(text);
        return ProtoError.SortByPosition(parsed.Errors.Concat(ProtoValidator.Validate(parsed.File)));
    }
}
