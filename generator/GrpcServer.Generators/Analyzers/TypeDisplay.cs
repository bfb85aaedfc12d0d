using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Analyzers;

/// <summary>
/// Type names as the runtime writes them in its messages: <c>Func&lt;HelloRequest, Context, Task&lt;HelloReply&gt;&gt;</c>,
/// nested protoc types as <c>Order.Types.Line</c>; with namespaces when <c>qualified</c>.
/// </summary>
internal static class TypeDisplay
{
    private static readonly SymbolDisplayFormat s_format = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    private static readonly SymbolDisplayFormat s_qualifiedFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    public static string Format(ITypeSymbol type, bool qualified = false) => type.ToDisplayString(qualified ? s_qualifiedFormat : s_format);
}
