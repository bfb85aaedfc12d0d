using System;
using System.ComponentModel;

namespace GrpcServer.CompilerServices;

/// <summary>
/// On the generated class of <c>AddHandler(service, rpc, handler, package)</c> extension methods, so that the
/// GrpcServer analyzer knows the calls it checks by the names of an RPC.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AddHandlerOverloadsAttribute : Attribute
{
}
