using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Diagnostics;

/// <summary>
/// A diagnostic as an equatable value (no Roslyn <c>Location</c> or <c>Diagnostic</c>), so it can
/// travel through the incremental pipeline; turned into a <c>Diagnostic</c> only when reported.
/// </summary>
/// <param name="Id">The descriptor's key: its ID (<c>GRPCSRV001</c>), or <c>ID:variant</c> for one of the messages of that ID (<c>GRPCSRV004:not-imported</c>); see <see cref="DiagnosticDescriptors.Get"/>.</param>
/// <param name="FilePath">The .proto file, or <c>null</c> for no location.</param>
/// <param name="Span">Where in the file, or <c>null</c> for the whole file.</param>
/// <param name="Arguments">The message format arguments.</param>
internal sealed record DiagnosticInfo(string Id, string? FilePath, SourceSpan? Span, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(string id, string? filePath, SourceSpan? span, params string[] arguments) =>
        new(id, filePath, span, new EquatableArray<string>(arguments));
}
