using System;
using System.ComponentModel;

namespace GrpcServer.CompilerServices;

/// <summary>On a generated <c>&lt;Service&gt;Rpcs</c> class: the service it holds, as the .proto file declares it. Read by the GrpcServer analyzer.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ProtoServiceAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="package">The .proto package, or an empty string.</param>
    /// <param name="name">The service name as declared.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ProtoServiceAttribute(string package, string name)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(name);
        Package = package;
        Name = name;
    }

    /// <summary>The .proto package, or an empty string.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string Package { get; }

    /// <summary>The service name as declared.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public string Name { get; }
}
