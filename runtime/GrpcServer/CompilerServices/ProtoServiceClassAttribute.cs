using System;
using System.ComponentModel;

namespace GrpcServer.CompilerServices;

/// <summary>On an assembly: one generated <c>&lt;Service&gt;Rpcs</c> class of it, so that the GrpcServer analyzer finds every service without searching the compilation.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class ProtoServiceClassAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="serviceClass">The class.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ProtoServiceClassAttribute(Type serviceClass)
    {
        ArgumentNullException.ThrowIfNull(serviceClass);
        ServiceClass = serviceClass;
    }

    /// <summary>The class.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Type ServiceClass { get; }
}
