using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using GrpcServer.Internal;

namespace GrpcServer;

/// <summary>
/// The services declared in a project's .proto files, and the look-up of an RPC by its names. The source generator
/// emits one per project (<c>GeneratedRpcCatalog.Instance</c>); the generated <c>AddHandler(service, rpc, handler, package)</c>
/// overloads resolve names against it. A catalogue only indexes services: it never changes them.
/// </summary>
public sealed class RpcCatalog
{
    private readonly RpcNameIndex<RpcService> _index;
    private ReadOnlyCollection<RpcDescriptor>? _rpcs;

    internal RpcCatalog(RpcService[] services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var copy = (RpcService[])services.Clone();
        foreach (var service in copy)
        {
            ArgumentNullException.ThrowIfNull(service, nameof(services));
        }

        _index = new RpcNameIndex<RpcService>(copy);
        Services = new ReadOnlyCollection<RpcService>(copy);
    }

    /// <summary>The services, in the order the generator lists them.</summary>
    public IReadOnlyList<RpcService> Services { get; }

    /// <summary>Every RPC of every service: the services in order, each service's RPCs in declaration order.</summary>
    public IReadOnlyList<RpcDescriptor> Rpcs
    {
        get
        {
            if (_rpcs is null)
            {
                var rpcs = new List<RpcDescriptor>();
                foreach (var service in Services)
                {
                    rpcs.AddRange(service.Rpcs);
                }

                _rpcs = rpcs.AsReadOnly();
            }

            return _rpcs;
        }
    }

    /// <summary>
    /// Finds an RPC by the names of its .proto declaration, as <c>RpcServer.AddHandler</c> does.
    /// </summary>
    /// <param name="service">The service name, such as <c>Greeter</c>, or its full name, such as <c>helloworld.Greeter</c>.</param>
    /// <param name="rpc">The RPC name, such as <c>SayHello</c>.</param>
    /// <param name="package">The package, such as <c>helloworld</c>; <see langword="null"/> when the service name is unique or full.</param>
    /// <returns>The RPC.</returns>
    /// <exception cref="ArgumentException">No such service, RPC or package, or the service name is declared in
    /// more than one package and <paramref name="package"/> is <see langword="null"/>. The message names what exists.</exception>
    public RpcDescriptor Find(string service, string rpc, string? package = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(rpc);
        var found = _index.Find(service, NameArgument.Of(rpc), NameArgument.Of(package));
        if (found.Failure is { } failure)
        {
            throw new ArgumentException(failure.Message, failure.ParameterName);
        }

        return found.Service!.Rpcs[found.RpcIndex];
    }
}
