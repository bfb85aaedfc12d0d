using System;
using System.ComponentModel;

namespace GrpcServer.CompilerServices;

/// <summary>On a generated RPC descriptor field: the RPC's name as the .proto file declares it (the field's name may be escaped). Read by the GrpcServer analyzer; the field's type gives the kind and the message types.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class ProtoRpcAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The RPC name as declared.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ProtoRpcAttribute(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    /// <summary>The RPC name as declared.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string Name { get; }
}
