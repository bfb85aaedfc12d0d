using System.Collections.Generic;
using GrpcServer.Internal;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Analyzers;

/// <summary>
/// A service of the compilation, as the analyzer sees it: the names from the <c>[ProtoService]</c> attribute on its
/// generated class, the RPCs from the <c>[ProtoRpc]</c> fields. Lives for one compilation only (it holds symbols).
/// </summary>
internal sealed class DeclaredService : IRpcLookupService
{
    private readonly List<DeclaredRpc> _rpcs = [];
    private readonly List<string> _rpcNames = [];

    public DeclaredService(INamedTypeSymbol type, string package, string name)
    {
        Type = type;
        Package = package;
        Name = name;
        FullName = package.Length == 0 ? name : package + "." + name;
    }

    /// <summary>The generated class, such as <c>GreeterRpcs</c>.</summary>
    public INamedTypeSymbol Type { get; }

    public string Package { get; }

    public string Name { get; }

    public string FullName { get; }

    public IReadOnlyList<DeclaredRpc> Rpcs => _rpcs;

    public IReadOnlyList<string> RpcNames => _rpcNames;

    public void Add(DeclaredRpc rpc)
    {
        _rpcs.Add(rpc);
        _rpcNames.Add(rpc.Name);
    }
}

/// <summary>One RPC: its generated descriptor field, and the kind and message types the field's type gives.</summary>
internal sealed class DeclaredRpc(DeclaredService service, IFieldSymbol descriptorField, string name, RpcKind kind, ITypeSymbol request, ITypeSymbol response)
{
    public DeclaredService Service => service;

    /// <summary>The generated descriptor field, such as <c>GreeterRpcs.SayHello</c>.</summary>
    public IFieldSymbol Field => descriptorField;

    public string Name => name;

    public RpcKind Kind => kind;

    public ITypeSymbol Request => request;

    public ITypeSymbol Response => response;

    /// <summary>The method path, such as <c>/helloworld.Greeter/SayHello</c>.</summary>
    public string FullName { get; } = "/" + service.FullName + "/" + name;

    /// <summary>As the runtime's <c>RpcDescriptor.ToString()</c>: <c>unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply)</c>.</summary>
    public string Description => RpcKinds.Describe(kind, FullName, TypeDisplay.Format(request), TypeDisplay.Format(response));
}
