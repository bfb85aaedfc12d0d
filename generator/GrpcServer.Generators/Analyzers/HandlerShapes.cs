using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Analyzers;

/// <summary>
/// The handler delegate types that fit each kind of RPC, and type names as the runtime writes them in its messages
/// (<c>Func&lt;HelloRequest, Context, Task&lt;HelloReply&gt;&gt;</c>, nested protoc types as <c>Order.Types.Line</c>).
/// </summary>
internal static class HandlerShapes
{
    private static readonly SymbolDisplayFormat s_typeFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    private static readonly SymbolDisplayFormat s_qualifiedTypeFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

    private enum ResponseWrapper
    {
        None,
        Task,
        Enumerable,
        AsyncEnumerable,
    }

    /// <summary>A type's name without namespaces, as in the runtime's messages; with them when <paramref name="qualified"/>.</summary>
    public static string Format(ITypeSymbol type, bool qualified = false) => type.ToDisplayString(qualified ? s_qualifiedTypeFormat : s_typeFormat);

    /// <summary>The handler types that fit an RPC, as the runtime's <c>RpcDescriptor.HandlerShapes</c>.</summary>
    public static string Fitting(DeclaredRpc rpc, bool qualified = false)
    {
        string request = Format(rpc.Request, qualified), response = Format(rpc.Response, qualified);
        return rpc.Kind switch
        {
            RpcKind.Unary => $"Func<{request}, Context, {response}> or Func<{request}, Context, Task<{response}>>",
            RpcKind.ServerStreaming => $"Func<{request}, Context, IEnumerable<{response}>> or Func<{request}, Context, IAsyncEnumerable<{response}>>",
            RpcKind.ClientStreaming => $"Func<IAsyncEnumerable<{request}>, Context, Task<{response}>>",
            _ => $"Func<IAsyncEnumerable<{request}>, Context, IAsyncEnumerable<{response}>>",
        };
    }

    /// <summary>
    /// Whether a handler of type <paramref name="handlerType"/> serves <paramref name="rpc"/>; <see langword="null"/>
    /// when the type is not one of the handler shapes (<c>Func&lt;TIn, Context, TOut&gt;</c>), so nothing can be said.
    /// </summary>
    public static bool? Fits(ITypeSymbol handlerType, DeclaredRpc rpc)
    {
        if (handlerType is not INamedTypeSymbol { Name: "Func", ContainingType: null, TypeArguments.Length: 3 } func
            || !IsInNamespace(func, "System"))
        {
            return null;
        }

        var requestStreamed = TryUnwrap(func.TypeArguments[0], "IAsyncEnumerable", "System.Collections.Generic", out var request);
        ResponseWrapper wrapper;
        if (TryUnwrap(func.TypeArguments[2], "Task", "System.Threading.Tasks", out var response))
        {
            wrapper = ResponseWrapper.Task;
        }
        else if (TryUnwrap(func.TypeArguments[2], "IEnumerable", "System.Collections.Generic", out response))
        {
            wrapper = ResponseWrapper.Enumerable;
        }
        else if (TryUnwrap(func.TypeArguments[2], "IAsyncEnumerable", "System.Collections.Generic", out response))
        {
            wrapper = ResponseWrapper.AsyncEnumerable;
        }
        else
        {
            wrapper = ResponseWrapper.None;
        }

        var kindFits = rpc.Kind switch
        {
            RpcKind.Unary => !requestStreamed && wrapper is ResponseWrapper.None or ResponseWrapper.Task,
            RpcKind.ServerStreaming => !requestStreamed && wrapper is ResponseWrapper.Enumerable or ResponseWrapper.AsyncEnumerable,
            RpcKind.ClientStreaming => requestStreamed && wrapper == ResponseWrapper.Task,
            _ => requestStreamed && wrapper == ResponseWrapper.AsyncEnumerable,
        };

        // Default equality ignores nullable annotations, as the runtime's type test does.
        return kindFits
            && SymbolEqualityComparer.Default.Equals(request, rpc.Request)
            && SymbolEqualityComparer.Default.Equals(response, rpc.Response);
    }

    /// <summary>Whether a symbol is declared directly in a namespace, such as <c>System.Collections.Generic</c>.</summary>
    public static bool IsInNamespace(ISymbol symbol, string dottedNamespace) =>
        symbol.ContainingType is null
        && symbol.ContainingNamespace is { IsGlobalNamespace: false } ns
        && ns.ToDisplayString() == dottedNamespace;

    /// <summary>Takes <c>T</c> out of <c>Wrapper&lt;T&gt;</c>; otherwise gives back <paramref name="type"/> itself.</summary>
    private static bool TryUnwrap(ITypeSymbol type, string wrapperName, string wrapperNamespace, out ITypeSymbol inner)
    {
        if (type is INamedTypeSymbol { TypeArguments.Length: 1 } named && named.Name == wrapperName && IsInNamespace(named, wrapperNamespace))
        {
            inner = named.TypeArguments[0];
            return true;
        }

        inner = type;
        return false;
    }
}
