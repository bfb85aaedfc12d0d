using System.Collections.Generic;
using System.Collections.Immutable;
using GrpcServer.Internal;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Analyzers;

/// <summary>The shared handler rules (<see cref="HandlerFit{TType}"/>) over Roslyn's types, for one declared RPC.</summary>
internal sealed class SymbolHandlerFit(GrpcServerSymbols symbols, DeclaredRpc rpc) : HandlerFit<ITypeSymbol>(rpc.Kind, rpc.FullName)
{
    protected override ITypeSymbol Context => symbols.Context;

    protected override ITypeSymbol MessageIn(MessageForm form, bool request) => symbols.In(form, request ? rpc.Request : rpc.Response);

    // As the runtime's type test: an identity or implicit reference conversion, which delegate variance allows.
    protected override bool IsAssignable(ITypeSymbol from, ITypeSymbol to)
    {
        var conversion = symbols.Compilation.ClassifyCommonConversion(from, to);
        return conversion.IsIdentity || (conversion.IsImplicit && conversion.IsReference);
    }

    protected override bool TryDecompose(ITypeSymbol handler, out IReadOnlyList<ITypeSymbol> parameters, out ITypeSymbol? result)
    {
        parameters = ImmutableArray<ITypeSymbol>.Empty;
        result = null;
        if (handler is not INamedTypeSymbol { TypeKind: TypeKind.Delegate, ContainingType: null, DelegateInvokeMethod: { } invoke } type
            || type.ContainingNamespace is not { ContainingNamespace.IsGlobalNamespace: true, Name: HandlerShapes.FuncNamespace }
            || type.Name is not (HandlerShapes.FuncName or HandlerShapes.ActionName))
        {
            return false;
        }

        var types = new ITypeSymbol[invoke.Parameters.Length];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = invoke.Parameters[i].Type;
        }

        parameters = types;
        result = invoke.ReturnsVoid ? null : invoke.ReturnType;
        return true;
    }

    protected override string Display(ITypeSymbol type, bool qualified) => TypeDisplay.Format(type, qualified);
}
