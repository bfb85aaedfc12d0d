using System.Collections.Generic;
using GrpcServer.Internal;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Analyzers;

/// <summary>
/// The runtime's types the analyzer recognises, found once per compilation: <c>RpcServer</c>, <c>Context</c>, the
/// descriptor classes, the attributes the generator writes, and the wrapper types of the handler shapes.
/// </summary>
internal sealed class GrpcServerSymbols
{
    private const string CompilerServices = "GrpcServer.CompilerServices.";

    private readonly Dictionary<INamedTypeSymbol, RpcKind> _descriptorKinds = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<MessageForm, INamedTypeSymbol> _wrappers = [];

    private GrpcServerSymbols(Compilation compilation, INamedTypeSymbol rpcServer, INamedTypeSymbol context)
    {
        Compilation = compilation;
        RpcServer = rpcServer;
        Context = context;
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol RpcServer { get; }

    public INamedTypeSymbol Context { get; }

    public INamedTypeSymbol ProtoServiceClassAttribute { get; private set; } = null!;

    public INamedTypeSymbol ProtoServiceAttribute { get; private set; } = null!;

    public INamedTypeSymbol ProtoRpcAttribute { get; private set; } = null!;

    public INamedTypeSymbol AddHandlerOverloadsAttribute { get; private set; } = null!;

    /// <summary>The symbols, or <see langword="null"/> when the compilation does not reference the GrpcServer runtime.</summary>
    public static GrpcServerSymbols? TryCreate(Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName("GrpcServer.RpcServer") is not { } rpcServer
            || compilation.GetTypeByMetadataName(HandlerShapes.ContextNamespace + "." + HandlerShapes.ContextName) is not { } context
            || compilation.GetTypeByMetadataName(CompilerServices + "ProtoServiceClassAttribute") is not { } serviceClass
            || compilation.GetTypeByMetadataName(CompilerServices + "ProtoServiceAttribute") is not { } service
            || compilation.GetTypeByMetadataName(CompilerServices + "ProtoRpcAttribute") is not { } rpc
            || compilation.GetTypeByMetadataName(CompilerServices + "AddHandlerOverloadsAttribute") is not { } overloads)
        {
            return null;
        }

        var symbols = new GrpcServerSymbols(compilation, rpcServer, context)
        {
            ProtoServiceClassAttribute = serviceClass,
            ProtoServiceAttribute = service,
            ProtoRpcAttribute = rpc,
            AddHandlerOverloadsAttribute = overloads,
        };

        foreach (var kind in RpcKinds.All)
        {
            if (compilation.GetTypeByMetadataName("GrpcServer." + RpcKinds.DescriptorTypeName(kind) + "`2") is not { } descriptor)
            {
                return null;
            }

            symbols._descriptorKinds.Add(descriptor, kind);
        }

        foreach (var form in new[] { MessageForm.Task, MessageForm.Enumerable, MessageForm.AsyncEnumerable })
        {
            if (compilation.GetTypeByMetadataName(HandlerShapes.WrapperMetadataName(form)!) is not { } wrapper)
            {
                return null;
            }

            symbols._wrappers.Add(form, wrapper);
        }

        return symbols;
    }

    /// <summary>The kind of RPC a descriptor type such as <c>UnaryRpc&lt;HelloRequest, HelloReply&gt;</c> describes.</summary>
    public RpcKind? KindOfDescriptor(INamedTypeSymbol type) =>
        _descriptorKinds.TryGetValue(type.OriginalDefinition, out var kind) ? kind : null;

    /// <summary>A message type in a form: <c>Task&lt;HelloReply&gt;</c>, or the message itself.</summary>
    public ITypeSymbol In(MessageForm form, ITypeSymbol message) =>
        _wrappers.TryGetValue(form, out var wrapper) ? wrapper.Construct(message) : message;

    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol attribute, out AttributeData data)
    {
        foreach (var candidate in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.AttributeClass, attribute))
            {
                data = candidate;
                return true;
            }
        }

        data = null!;
        return false;
    }
}
