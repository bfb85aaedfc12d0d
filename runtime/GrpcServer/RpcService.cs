using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Threading;
using Google.Protobuf.Reflection;
using GrpcServer.Internal;

namespace GrpcServer;

/// <summary>
/// A service declared in a .proto file, with its RPCs. The source generator emits one per service
/// (<c>GreeterRpcs.Service</c>); each RPC descriptor knows its service (<see cref="RpcDescriptor.Service"/>).
/// Immutable: serving one RPC of a service serves all of them, those without a handler answering <c>UNIMPLEMENTED</c>.
/// </summary>
public sealed class RpcService : IRpcLookupService
{
    private readonly Func<RpcDescriptor[]> _rpcs;
    private readonly Func<FileDescriptor>? _file;
    private ReadOnlyCollection<RpcDescriptor>? _rpcList;
    private string[]? _rpcNames;
    private ServiceDescriptor? _descriptor;

    internal RpcService(string package, string name, Func<RpcDescriptor[]> rpcs, Func<FileDescriptor>? file)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(rpcs);
        Package = package;
        Name = name;
        FullName = package.Length == 0 ? name : package + "." + name;
        _rpcs = rpcs;
        _file = file;
    }

    /// <summary>The .proto package, or an empty string when the file declares none.</summary>
    public string Package { get; }

    /// <summary>The service name as declared, such as <c>Greeter</c>.</summary>
    public string Name { get; }

    /// <summary>The service name with its package, such as <c>helloworld.Greeter</c>.</summary>
    public string FullName { get; }

    /// <summary>The service's RPCs, in declaration order.</summary>
    /// <exception cref="InvalidOperationException">The generated list does not describe this service (a bug in the code that created it).</exception>
    public IReadOnlyList<RpcDescriptor> Rpcs
    {
        get
        {
            // The generated list refers to the descriptor fields of the class that holds this service, so it is read
            // once those exist, on first use; every read yields the same descriptors, so a race only repeats work.
            if (Volatile.Read(ref _rpcList) is { } list)
            {
                return list;
            }

            list = Validate(_rpcs());
            return Interlocked.CompareExchange(ref _rpcList, list, null) ?? list;
        }
    }

    /// <summary>
    /// The protobuf descriptor of the service, from the code protoc generated for its .proto file; used by server
    /// reflection. <see langword="null"/> when the service was created without its file.
    /// </summary>
    public ServiceDescriptor? Descriptor
    {
        get
        {
            if (_descriptor is null && _file?.Invoke() is { } file)
            {
                foreach (var service in file.Services)
                {
                    if (service.FullName == FullName)
                    {
                        _descriptor = service;
                        break;
                    }
                }
            }

            return _descriptor;
        }
    }

    IReadOnlyList<string> IRpcLookupService.RpcNames
    {
        get
        {
            if (_rpcNames is null)
            {
                var rpcs = Rpcs;
                var names = new string[rpcs.Count];
                for (var i = 0; i < names.Length; i++)
                {
                    names[i] = rpcs[i].Name;
                }

                _rpcNames = names;
            }

            return _rpcNames;
        }
    }

    /// <summary>The full name, such as <c>helloworld.Greeter</c>.</summary>
    /// <returns>The full name.</returns>
    public override string ToString() => FullName;

    private ReadOnlyCollection<RpcDescriptor> Validate(RpcDescriptor[]? rpcs)
    {
        if (rpcs is null)
        {
            throw new InvalidOperationException($"The service {FullName} has no list of RPCs.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rpc in rpcs)
        {
            if (rpc is null || !ReferenceEquals(rpc.Service, this))
            {
                throw new InvalidOperationException($"The RPCs of service {FullName} include {(rpc is null ? "null" : rpc.FullName)}, which is not one of its own.");
            }

            if (!names.Add(rpc.Name))
            {
                throw new InvalidOperationException($"The RPCs of service {FullName} include {rpc.Name} twice.");
            }
        }

        return new ReadOnlyCollection<RpcDescriptor>((RpcDescriptor[])rpcs.Clone());
    }
}
